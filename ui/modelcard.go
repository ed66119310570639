package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/model"
)

// cardRow is one line of the model card: what `tessera inspect` prints.
type cardRow struct{ key, value string }

// cardRows lays out a model card as `tessera inspect` does.
func cardRows(c *model.Card) []cardRow {
	var rows []cardRow
	row := func(k, format string, a ...any) { rows = append(rows, cardRow{k, fmt.Sprintf(format, a...)}) }
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
	var parts []string
	var total int64
	for _, part := range []string{"encoder", "codebook", "decoder", "cond_stage", "transformer"} {
		if n, ok := c.Params[part]; ok {
			parts = append(parts, part+" "+countText(n))
			total += n
		}
	}
	row("parameters", "%s in all: %s", countText(total), strings.Join(parts, ", "))
	row("source", "%s (%s)", c.Source, c.Format)
	if len(c.Configs) > 0 {
		row("config", "%s", strings.Join(c.Configs, ", "))
	}
	row("sha256", "%s", c.SHA256)
	return rows
}

// countText writes a parameter count the way people read it: 1.6 M.
func countText(n int64) string {
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

// newModelCard shows a card as a form; the values can be selected and
// copied (the SHA-256 is there to be compared).
func newModelCard(c *model.Card) fyne.CanvasObject {
	form := container.New(layout.NewFormLayout())
	for _, r := range cardRows(c) {
		value := widget.NewLabel(r.value)
		value.Wrapping = fyne.TextWrapBreak // paths and hashes are long
		value.Selectable = true
		form.Add(widget.NewLabelWithStyle(r.key, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		form.Add(value)
	}
	return form
}

// showModelCard opens the card of the model in use in a dialog.
func showModelCard(c *model.Card, w fyne.Window) {
	d := dialog.NewCustom("Model Card", "Close", newModelCard(c), w)
	d.Resize(fyne.NewSize(720, 0))
	d.Show()
}
