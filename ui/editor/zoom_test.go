package editor

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestEditorPaintsTheRightCellZoomedAndPanned(t *testing.T) {
	_, e, ctrl, w := newEditor(t, "vqgan")
	orig := openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png"))
	uitest.TapButton(t, w, "Fit")
	for range 3 {
		uitest.Tap(uitest.Find(t, w, func(b *widget.Button) bool { return b.Icon == theme.ZoomInIcon() }))
	}
	view.Sync(func() {
		if z := e.view.Zoom(); z < 1.9 {
			t.Fatalf("three zoom-ins made the zoom %v", z)
		}
	})
	uitest.TapButton(t, w, "Hand")
	var before fyne.Position
	view.Sync(func() { before = e.view.CellCentre(image.Pt(4, 4)) })
	dragCells(w, e.view, image.Pt(4, 4), image.Pt(3, 4)) // one cell to the left
	view.Sync(func() {
		if !e.grid.Equal(orig) {
			t.Fatal("dragging with the hand painted")
		}
		if after := e.view.CellCentre(image.Pt(4, 4)); after.X >= before.X || after.Y != before.Y {
			t.Errorf("dragging left with the hand moved cell (4,4) from %v to %v", before, after)
		}
	})
	uitest.TapButton(t, w, "Brush")
	c := image.Pt(5, 3)
	view.Sync(func() { e.setCode((orig.At(c.X, c.Y) + 1) % e.card.CodebookSize) })
	tapCell(e.view, c)
	g := editorGrid(t, e)
	if at, same := sameOutside(g, orig, image.Rectangle{Min: c, Max: c.Add(image.Pt(1, 1))}); !same || g.Equal(orig) {
		t.Errorf("a click on cell %v zoomed and panned painted %v instead", c, at)
	}
}
