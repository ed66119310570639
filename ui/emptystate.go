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

// emptyState is what a view shows until a model is loaded: what the view
// is for, a button that does what Ctrl+O does, and one that opens the
// built-in landscape model when the binary has it.
type emptyState struct {
	box     fyne.CanvasObject
	builtin *widget.Button
}

func newEmptyState(icon fyne.Resource, about string, ctrl view.Controller, openBuiltin func()) *emptyState {
	glyph := container.NewGridWrap(fyne.NewSquareSize(64), widget.NewIcon(icon))
	heading := widget.NewLabelWithStyle(noModelText, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	purpose := widget.NewLabelWithStyle(about, fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	open := widget.NewButtonWithIcon(openModelText, theme.FolderOpenIcon(), ctrl.OpenModel)
	open.Importance = widget.HighImportance
	builtin := widget.NewButtonWithIcon(openBuiltinText, theme.ColorPaletteIcon(), openBuiltin)
	builtin.Hide()

	return &emptyState{builtin: builtin, box: container.NewCenter(container.NewVBox(
		container.NewCenter(glyph),
		heading,
		purpose,
		container.NewCenter(container.NewHBox(open, builtin)),
	))}
}

// offerBuiltin shows the built-in model's button when there is one.
func (e *emptyState) offerBuiltin(b Builtins) {
	e.builtin.Hidden = b.Landscape == ""
	e.builtin.Refresh()
}
