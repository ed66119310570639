package widgets

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"

	"tessera/engine/tokens"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestGridViewTintsMarkedCells(t *testing.T) {
	view.Sync(func() { gridViewTintsMarkedCells(t) })
}

func gridViewTintsMarkedCells(t *testing.T) {
	g, w := gridWindow(t)
	g.SetGridVisible(false)
	plain := w.Canvas().Capture()
	// changed tells whether the inner part of cell c differs from plain.
	changed := func(c image.Point) bool {
		now := w.Canvas().Capture()
		s := w.Canvas().Scale()
		at := uitest.CanvasPos(w, g).Add(g.CellCentre(c))
		edge := g.CellCentre(image.Pt(1, 0)).X - g.CellCentre(image.Pt(0, 0)).X
		for dy := -edge / 3; dy < edge/3; dy++ {
			for dx := -edge / 3; dx < edge/3; dx++ {
				p := at.Add(fyne.NewPos(dx, dy))
				x, y := int(p.X*s), int(p.Y*s)
				if now.At(x, y) != plain.At(x, y) {
					return true
				}
			}
		}
		return false
	}
	marked, other := image.Pt(2, 5), image.Pt(5, 2)
	m := tokens.NewMask(8, 8)
	m.Set(marked.X, marked.Y, true)
	g.SetPending(m)
	if !changed(marked) || changed(other) {
		t.Error("a pending cell is not tinted, or another cell is")
	}
	g.SetPending(tokens.Mask{})
	g.SetMask(m)
	if !changed(marked) || changed(other) {
		t.Error("a masked cell is not tinted, or another cell is")
	}
	g.SetMask(tokens.NewMask(3, 3)) // another grid's mask is not shown
	if changed(marked) {
		t.Error("a mask of another size tinted the grid")
	}
}
