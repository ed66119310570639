package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"tessera/engine/model"
)

func init() {
	register(command{
		name:    "inspect",
		args:    "--model PATH [--config FILE] [--json]",
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
	m, err := mf.open()
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
	row := func(k, format string, a ...any) { fmt.Fprintf(tw, "%s\t"+format+"\n", append([]any{k}, a...)...) }
	row("kind", "%s", c.Kind)
	if c.Kind == model.KindNet2Net {
		cond := c.Conditioning
		switch {
		case c.Classes > 0:
			cond += fmt.Sprintf(" (%d classes)", c.Classes)
		case c.Labels > 0:
			cond += fmt.Sprintf(" (%s, %d labels)", c.CondKey, c.Labels)
		}
		row("conditioning", "%s", cond)
	}
	row("codebook", "%d entries of dimension %d", c.CodebookSize, c.CodebookDim)
	row("downsampling", "%dx (one token per %dx%d pixels)", c.Factor, c.Factor, c.Factor)
	row("native grid", "%dx%d tokens (%dx%d pixels)", c.NativeGrid, c.NativeGrid, c.NativeGrid*c.Factor, c.NativeGrid*c.Factor)
	if c.Window > 0 {
		row("window", "%dx%d tokens (larger grids use a sliding window)", c.Window, c.Window)
	}
	var total int64
	for _, part := range []string{"encoder", "codebook", "decoder", "cond_stage", "transformer"} {
		if n, ok := c.Params[part]; ok {
			row("parameters", "%s %s", part, humanCount(n))
			total += n
		}
	}
	row("parameters", "total %s", humanCount(total))
	row("source", "%s (%s)", c.Source, c.Format)
	if len(c.Configs) > 0 {
		row("config", "%s", strings.Join(c.Configs, ", "))
	}
	row("sha256", "%s", c.SHA256)
	return tw.Flush()
}

// humanCount prints 42449795 as "42.4 M (42,449,795)".
func humanCount(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f G (%s)", float64(n)/1e9, b.String())
	case n >= 1e6:
		return fmt.Sprintf("%.1f M (%s)", float64(n)/1e6, b.String())
	case n >= 1e3:
		return fmt.Sprintf("%.1f k (%s)", float64(n)/1e3, b.String())
	}
	return b.String()
}
