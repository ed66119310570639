package main

import (
	"io"

	"tessera/app"
)

func init() {
	register(command{
		name:    "studio",
		args:    "",
		summary: "open the studio window (what tessera does with no command)",
		run:     runStudio,
	})
}

func runStudio(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("studio", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("studio takes no arguments")
	}
	app.Run()
	return nil
}
