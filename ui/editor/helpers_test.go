package ui

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"tessera/engine/tokens"
)

// Helpers for the Editor, Sample and Hi-Res tests. Like the ones in
// mainview_test.go they take the UI lock themselves.

// viewOf returns the MainView's view of type V.
func viewOf[V view](t *testing.T, v *MainView) V {
	t.Helper()
	for _, vt := range v.views {
		if x, ok := vt.v.(V); ok {
			return x
		}
	}
	var zero V
	t.Fatalf("no view of type %T", zero)
	return zero
}

// studioWith opens a test window with the named tiny model loaded and the
// view titled tab shown.
func studioWith(t *testing.T, modelName, tab string) (*MainView, *recorder, fyne.Window) {
	t.Helper()
	v, ctrl, w := newTestWindow(t)
	loadModel(t, v, modelName)
	selectTab(v, tab)
	return v, ctrl, w
}

// cellPos is the centre of cell c of g, relative to g.
func cellPos(g *gridView, c image.Point) fyne.Position {
	at, size := g.area(g.Size())
	return fyne.NewPos(
		at.X+(float32(c.X)+0.5)*size.Width/float32(g.cols),
		at.Y+(float32(c.Y)+0.5)*size.Height/float32(g.rows))
}

// absolute is a position in o given in o's coordinates, on the canvas.
func absolute(o fyne.CanvasObject, p fyne.Position) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Add(p)
}

// dragCells drags across g from cell a to cell b, as one pointer move.
func dragCells(w fyne.Window, g *gridView, a, b image.Point) {
	Sync(func() {
		from, to := cellPos(g, a), cellPos(g, b)
		test.Drag(w.Canvas(), absolute(g, to), to.X-from.X, to.Y-from.Y)
	})
}

// tapCell clicks cell c of g.
func tapCell(g *gridView, c image.Point) {
	Sync(func() { test.TapAt(g, cellPos(g, c)) })
}

// hoverCell moves the pointer over cell c of g.
func hoverCell(w fyne.Window, g *gridView, c image.Point) {
	Sync(func() { test.MoveMouse(w.Canvas(), absolute(g, cellPos(g, c))) })
}

// editorGrid is a copy of the Editor's grid once its image shows the
// latest edit.
func editorGrid(t *testing.T, e *editorView) tokens.Grid {
	t.Helper()
	var g tokens.Grid
	waitFor(t, func() bool {
		g = e.grid.Clone()
		return e.loaded() && e.imgGen == e.gen && e.loading == nil && e.decoding == nil && e.resampler == nil
	})
	return g
}

// sameOutside reports the first cell outside r where a and b differ.
func sameOutside(a, b tokens.Grid, r image.Rectangle) (image.Point, bool) {
	for y := range a.H {
		for x := range a.W {
			if !image.Pt(x, y).In(r) && a.At(x, y) != b.At(x, y) {
				return image.Pt(x, y), false
			}
		}
	}
	return image.Point{}, true
}
