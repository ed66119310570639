package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// errFlagsReported is returned by parseFlags when the flag package has
// already printed the problem and the usage: exit 2, say nothing more.
var errFlagsReported = errors.New("bad flags")

// usageError is a command line the command cannot use.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

// usagef reports a bad command line (exit status 2).
func usagef(format string, a ...any) error {
	return usageError{fmt.Errorf(format, a...)}
}

// newFlags returns the flag set of the registered command name. It reports
// errors instead of exiting, and its usage shows the command's synopsis and
// summary above the flags.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	c := commands[name]
	fs := flag.NewFlagSet("tessera "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: tessera %s %s\n\n%s.\n", name, c.args, capitalize(c.summary))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(fs.Output(), "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args into fs. -h gives flag.ErrHelp (exit 0), any
// other problem errFlagsReported (exit 2).
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return errFlagsReported
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
