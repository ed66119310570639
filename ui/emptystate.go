package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/ui/view"
)

// Texts of the empty state, shared with the tests.
const (
	noModelText   = "No model loaded — open a model (Ctrl+O)"
	openModelText = "Open Model…"
)

// newEmptyState is what a view shows until a model is loaded: what the view
// is for, and a button that does what Ctrl+O does.
func newEmptyState(icon fyne.Resource, about string, ctrl view.Controller) fyne.CanvasObject {
	glyph := container.NewGridWrap(fyne.NewSquareSize(64), widget.NewIcon(icon))
	heading := widget.NewLabelWithStyle(noModelText, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	purpose := widget.NewLabelWithStyle(about, fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	open := widget.NewButtonWithIcon(openModelText, theme.FolderOpenIcon(), ctrl.OpenModel)
	open.Importance = widget.HighImportance

	return container.NewCenter(container.NewVBox(
		container.NewCenter(glyph),
		heading,
		purpose,
		container.NewCenter(open),
	))
}
