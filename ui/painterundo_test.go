package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// Ctrl+Z reaches the studio's Edit menu first; while the segmentation
// painter has the keyboard the menu passes undo and redo on to it.
func TestEditMenuUndoGoesToTheFocusedPainter(t *testing.T) {
	v, _, w := newTestWindow(t)
	loadModel(t, v, "seg_transformer")
	selectTab(v, "Sample")
	p := uitest.Find(t, w, func(*widgets.SegPainter) bool { return true })
	var before, after []int
	uitest.TapButton(t, w, "3") // the label
	view.Sync(func() {
		before = p.LabelMap().Labels
		at, size := p.MapArea()
		w.Canvas().Focus(p) // as a tap on the map does in a real window
		test.TapAt(p, fyne.NewPos(at.X+size.Width/2, at.Y+size.Height/2))
		after = p.LabelMap().Labels
	})
	if slices.Equal(before, after) {
		t.Fatal("the tap painted nothing")
	}
	edit := menuItems(w, "Edit")
	view.Sync(func() { edit["Undo"].Action() })
	view.Sync(func() {
		if !slices.Equal(p.LabelMap().Labels, before) {
			t.Error("Edit > Undo (Ctrl+Z) did not undo the painter's dab")
		}
	})
	view.Sync(func() { edit["Redo"].Action() })
	view.Sync(func() {
		if !slices.Equal(p.LabelMap().Labels, after) {
			t.Error("Edit > Redo (Ctrl+Y) did not redo the dab")
		}
	})
}
