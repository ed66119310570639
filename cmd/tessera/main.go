// Command tessera is the Tessera studio. With no arguments, or with only
// flags, it opens the studio window; with a command it runs headless:
//
//	tessera [studio flags]
//	tessera COMMAND [flags] [args]
//
// Run "tessera help" for the commands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	_ "tessera/app/locale" // before Fyne initialises: see the package
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the exit status: 0 on success,
// 1 when the command failed, 2 when the command line was wrong.
func run(args []string, stdout, stderr io.Writer) int {
	name, rest := "studio", args
	switch {
	case len(args) == 0:
	case isHelpFlag(args[0]):
		name, rest = "help", args[1:]
	case !strings.HasPrefix(args[0], "-"):
		name, rest = args[0], args[1:]
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "tessera: unknown command %q\nRun 'tessera help' for the list of commands.\n", name)
		return 2
	}
	return exitStatus(c.run(rest, stdout, stderr), name, stderr)
}

func isHelpFlag(s string) bool {
	return s == "-h" || s == "-help" || s == "--help"
}

// exitStatus reports err and turns it into an exit status.
func exitStatus(err error, name string, stderr io.Writer) int {
	var usage usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errFlagsReported):
		return 2
	case errors.Is(err, errInterrupted):
		return 130
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "tessera %s: %v\nRun 'tessera help %s' for usage.\n", name, usage.err, name)
		return 2
	default:
		fmt.Fprintf(stderr, "tessera %s: %v\n", name, err)
		return 1
	}
}
