package main

import (
	"io"

	"tessera/app"
)

func init() {
	register(command{
		name:    "studio",
		args:    "[--model PATH] [--view NAME]",
		summary: "open the studio window (what tessera does with no command)",
		run:     runStudio,
	})
}

func runStudio(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("studio", stderr)
	model := fs.String("model", "", "model to open at start: a taming log directory, a .ckpt or a Tessera .safetensors `PATH`")
	tab := fs.String("view", "", "the view to show first: Codebook, Editor, Sample, Hi-Res, Train or Jobs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("studio takes no arguments")
	}
	return app.Run(*model, *tab)
}
