package editor

import (
	"image"

	"tessera/engine/tokens"
)

// maskStroke paints the cells on the line from a to b into the mask: in
// when the stroke began (first) on a cell outside it, out when it began
// inside, so one tool both adds and removes cells.
func (v *editorView) maskStroke(a, b image.Point, first bool) {
	if v.mask.W != v.grid.W || v.mask.H != v.grid.H {
		v.mask = tokens.NewMask(v.grid.W, v.grid.H)
	}
	if first {
		v.maskOn = !v.mask.At(a.X, a.Y)
	}
	for _, c := range cellLine(a, b) {
		v.mask.Set(c.X, c.Y, v.maskOn)
	}
	v.view.SetMask(v.mask)
	v.refreshButtons()
}

// masked is how many cells the mask selects.
func (v *editorView) masked() int {
	if v.mask.W != v.grid.W || v.mask.H != v.grid.H {
		return 0
	}
	return v.mask.Count()
}

func (v *editorView) clearMask() {
	v.mask = tokens.Mask{}
	v.view.SetMask(v.mask)
	v.refreshButtons()
}

// resampleMask redraws the masked cells with the transformer.
func (v *editorView) resampleMask() {
	if v.masked() == 0 {
		return
	}
	m := tokens.Mask{W: v.mask.W, H: v.mask.H, Bits: append([]bool(nil), v.mask.Bits...)}
	v.resampleCells(m, maskBounds(m))
}

// maskBounds is the smallest rectangle holding m's cells.
func maskBounds(m tokens.Mask) image.Rectangle {
	var r image.Rectangle
	for y := range m.H {
		for x := range m.W {
			if m.At(x, y) {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}
