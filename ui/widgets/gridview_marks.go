package widgets

import (
	"image"
	"image/color"

	"tessera/engine/tokens"
)

// Cell marks: pending cells were changed but not decoded yet (a light
// tint), masked cells are selected for resampling (pink stripes).
var (
	pendingTint = color.NRGBA{R: 255, G: 255, B: 255, A: 110}
	maskTint    = color.NRGBA{R: 255, G: 40, B: 150, A: 190}
)

// SetPending tints the cells of m (a zero Mask: none) as edited but not
// decoded yet, so an edit shows before its image does.
func (g *GridView) SetPending(m tokens.Mask) {
	g.pending = m
	g.version++
	g.Refresh()
}

// SetMask tints the cells of m (a zero Mask: none) as selected.
func (g *GridView) SetMask(m tokens.Mask) {
	g.mask = m
	g.version++
	g.Refresh()
}

// marks is the tint over each cell, one pixel per cell, or nil when no
// cell is marked.
func (g *GridView) marks() image.Image {
	var out *image.NRGBA
	for _, m := range []struct {
		cells tokens.Mask
		tint  color.NRGBA
	}{{g.pending, pendingTint}, {g.mask, maskTint}} {
		if m.cells.W != g.cols || m.cells.H != g.rows || m.cells.Count() == 0 {
			continue
		}
		if out == nil {
			out = image.NewNRGBA(image.Rect(0, 0, g.cols, g.rows))
		}
		for y := range g.rows {
			for x := range g.cols {
				if m.cells.At(x, y) {
					out.SetNRGBA(x, y, m.tint)
				}
			}
		}
	}
	if out == nil {
		return nil
	}
	return out
}
