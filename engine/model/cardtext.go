package model

import (
	"fmt"
	"strings"
)

// CardRow is one line of a model card as people read it.
type CardRow struct{ Key, Value string }

// Rows lays the card out as `tessera inspect` prints it and the studio's
// model card shows it.
func (c *Card) Rows() []CardRow {
	var rows []CardRow
	row := func(k, format string, a ...any) { rows = append(rows, CardRow{k, fmt.Sprintf(format, a...)}) }
	row("kind", "%s", c.Kind)
	if c.Kind == KindNet2Net {
		cond := c.Conditioning
		switch {
		case c.Classes > 0:
			cond += fmt.Sprintf(" (%d classes)", c.Classes)
		case c.Labels > 0:
			cond += fmt.Sprintf(" (%s, %d labels)", c.CondKey, c.Labels)
		case c.CondKey != "":
			cond += fmt.Sprintf(" (%s)", c.CondKey)
		}
		row("conditioning", "%s", cond)
		if len(c.ClassNames) > 0 {
			row("classes", "%s", numbered(c.ClassNames))
		}
		if len(c.LabelNames) > 0 {
			row("labels", "%s", numbered(c.LabelNames))
		}
	}
	if c.Kind == KindClassifier {
		labels := fmt.Sprint(c.Labels)
		if len(c.LabelNames) > 0 {
			labels += ": " + strings.Join(c.LabelNames, ", ")
		}
		row("labels", "%s", labels)
		row("input", "RGB images of any size (padded inside to multiples of %d)", c.Factor)
	} else {
		row("codebook", "%d entries of dimension %d", c.CodebookSize, c.CodebookDim)
		row("downsampling", "%dx (one token per %dx%d pixels)", c.Factor, c.Factor, c.Factor)
		row("native grid", "%dx%d tokens (%dx%d pixels)", c.NativeGrid, c.NativeGrid, c.NativeGrid*c.Factor, c.NativeGrid*c.Factor)
	}
	if c.Window > 0 {
		row("window", "%dx%d tokens (larger grids use a sliding window)", c.Window, c.Window)
	}
	var parts []string
	var total int64
	for _, part := range []string{"encoder", "codebook", "decoder", "cond_stage", "transformer"} {
		if n, ok := c.Params[part]; ok {
			parts = append(parts, part+" "+CountText(n))
			total += n
		}
	}
	row("parameters", "%s in all: %s", CountText(total), strings.Join(parts, ", "))
	row("source", "%s (%s)", c.Source, c.Format)
	if len(c.Configs) > 0 {
		row("config", "%s", strings.Join(c.Configs, ", "))
	}
	row("sha256", "%s", c.SHA256)
	return rows
}

// CountText writes a parameter count the way people read it: 1.6 M.
func CountText(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f G", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f M", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f k", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

// numbered lists names by their ids: "0 sky, 1 cloud, ...".
func numbered(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%d %s", i, n)
	}
	return strings.Join(parts, ", ")
}
