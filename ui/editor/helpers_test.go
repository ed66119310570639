package editor

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"tessera/engine/tokens"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// newEditor shows an Editor with the named tiny model loaded in a test
// window.
func newEditor(t *testing.T, modelName string) (*view.Env, *editorView, *uitest.Recorder, fyne.Window) {
	t.Helper()
	env, ctrl := uitest.Env(t)
	var e *editorView
	// Under the UI lock: an earlier test's jobs may still apply results.
	view.Sync(func() { e = New(env).(*editorView) })
	w := uitest.Window(t, env, e.Content)
	uitest.OpenModel(t, env, modelName, e)
	return env, e, ctrl, w
}

// dragCells drags across g from cell a to cell b, as one pointer move.
func dragCells(w fyne.Window, g *widgets.GridView, a, b image.Point) {
	view.Sync(func() {
		from, to := g.CellCentre(a), g.CellCentre(b)
		test.Drag(w.Canvas(), uitest.Absolute(g, to), to.X-from.X, to.Y-from.Y)
	})
}

// tapCell clicks cell c of g.
func tapCell(g *widgets.GridView, c image.Point) {
	view.Sync(func() { test.TapAt(g, g.CellCentre(c)) })
}

// hoverCell moves the pointer over cell c of g.
func hoverCell(w fyne.Window, g *widgets.GridView, c image.Point) {
	view.Sync(func() { test.MoveMouse(w.Canvas(), uitest.Absolute(g, g.CellCentre(c))) })
}

// editorGrid is a copy of the Editor's grid once its image shows the
// latest edit.
func editorGrid(t *testing.T, e *editorView) tokens.Grid {
	t.Helper()
	var g tokens.Grid
	uitest.WaitFor(t, func() bool {
		g = e.grid.Clone()
		return e.loaded() && e.imgGen == e.gen && e.loading == nil && e.previewing == nil && e.decoding == nil && e.resampler == nil
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
