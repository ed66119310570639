package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/model"
)

// newModelCard shows a card as a form; the values can be selected and
// copied (the SHA-256 is there to be compared).
func newModelCard(c *model.Card) fyne.CanvasObject {
	form := container.New(layout.NewFormLayout())
	for _, r := range c.Rows() {
		value := widget.NewLabel(r.Value)
		value.Wrapping = fyne.TextWrapBreak // paths and hashes are long
		value.Selectable = true
		form.Add(widget.NewLabelWithStyle(r.Key, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
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
