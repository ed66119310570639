package widgets

import (
	"image"
	"testing"

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
	at := func(c image.Point) [4]uint32 {
		p := uitest.CanvasPos(w, g).Add(g.CellCentre(c))
		img := w.Canvas().Capture()
		s := w.Canvas().Scale()
		r, gr, b, a := img.At(int(p.X*s), int(p.Y*s)).RGBA()
		return [4]uint32{r, gr, b, a}
	}
	marked, other := image.Pt(2, 5), image.Pt(5, 2)
	plainMarked, plainOther := at(marked), at(other)
	m := tokens.NewMask(8, 8)
	m.Set(marked.X, marked.Y, true)
	g.SetPending(m)
	if at(marked) == plainMarked || at(other) != plainOther {
		t.Error("a pending cell is not tinted, or another cell is")
	}
	g.SetPending(tokens.Mask{})
	g.SetMask(m)
	if at(marked) == plainMarked || at(other) != plainOther {
		t.Error("a masked cell is not tinted, or another cell is")
	}
	g.SetMask(tokens.NewMask(3, 3)) // another grid's mask is not shown
	if at(marked) != plainMarked {
		t.Error("a mask of another size tinted the grid")
	}
}
