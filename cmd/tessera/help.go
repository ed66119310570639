package main

import (
	"fmt"
	"io"
	"text/tabwriter"
)

func init() {
	register(command{
		name:    "help",
		args:    "[COMMAND]",
		summary: "list the commands, or show one command's usage",
		run:     runHelp,
	})
}

func runHelp(args []string, stdout, stderr io.Writer) error {
	switch len(args) {
	case 0:
		return listCommands(stdout)
	case 1:
		c, ok := commands[args[0]]
		if !ok {
			return usagef("unknown command %q", args[0])
		}
		// A command's usage is what its -h prints; send it to stdout.
		return c.run([]string{"-h"}, stdout, stdout)
	default:
		return usagef("help takes at most one command")
	}
}

func listCommands(w io.Writer) error {
	fmt.Fprint(w, `Tessera: a studio for VQGAN + transformer image synthesis.

usage:
  tessera [flags]                 open the studio window
  tessera COMMAND [flags] [args]  run a command, without a window

commands:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range sortedCommands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\nRun 'tessera help COMMAND' for a command's flags and arguments.")
	return err
}
