package editor

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
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

func TestEditorToolsHaveSingleKeys(t *testing.T) {
	_, e, ctrl, w := newEditor(t, "vqgan")
	openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png"))
	tapCell(e.view, image.Pt(0, 0)) // the grid takes the keyboard
	view.Sync(func() {
		if w.Canvas().Focused() != e.view {
			t.Fatal("clicking the grid did not give it the keyboard")
		}
	})
	for _, k := range []struct {
		key  string
		want tool
	}{{"i", toolPick}, {"R", toolRegion}, {"h", toolPan}, {"c", toolStamp}, {"b", toolBrush}} {
		view.Sync(func() { test.Type(e.view, k.key) })
		view.Sync(func() {
			if e.tool != k.want || e.tools[k.want].Importance != widget.HighImportance {
				t.Errorf("key %q selected tool %d, want %d", k.key, e.tool, k.want)
			}
		})
	}
	if !uitest.ShowsText(w, "Brush (key B)") {
		t.Errorf("the help does not name the key: %v", uitest.Texts(w))
	}
	view.Sync(func() {
		test.Type(e.view, "g")
		if e.buttons.grid.Checked {
			t.Error("G did not hide the grid lines")
		}
		test.Type(e.view, "+")
		if e.view.Zoom() <= 1 {
			t.Error("+ did not zoom in")
		}
	})
}
