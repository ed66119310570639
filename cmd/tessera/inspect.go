package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"tessera/engine/model"
)

func init() {
	register(command{
		name:    "inspect",
		args:    "[--model PATH] [--config FILE] [--json]",
		summary: "describe a model: kind, conditioning, codebook, grid, parameters, source",
		run:     runInspect,
	})
}

func runInspect(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("inspect", stderr)
	mf := addModelFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %v", fs.Args())
	}
	m, err := mf.openAny()
	if err != nil {
		return err
	}
	card, err := m.Card()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(card)
	}
	return printCard(stdout, card)
}

func printCard(w io.Writer, c *model.Card) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range c.Rows() {
		fmt.Fprintf(tw, "%s\t%s\n", r.Key, r.Value)
	}
	return tw.Flush()
}
