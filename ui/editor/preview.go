package editor

import (
	"fmt"
	"image"
	"image/draw"
	"time"

	"tessera/engine/jobs"
	"tessera/engine/pipeline"
	"tessera/engine/tokens"
	"tessera/ui/view"
)

// previewDelay gathers the cells of a quick stroke into one preview.
const previewDelay = 40 * time.Millisecond

// previewMargin is how many cells around an edit a preview decodes with it:
// the decoder's convolutions let a cell reach only a few cells around it,
// so the edited cells decode almost as in the whole image.
const previewMargin = 3

// preview decodes only the cells edited since the last preview, with a
// margin, on the worker, and pastes them into the image shown: an edit
// shows in a fraction of the whole decode's time, which follows it.
func (v *editorView) preview() {
	if !v.loaded() || v.dirty.Empty() {
		return
	}
	edited := v.dirty
	crop := edited.Inset(-previewMargin).Intersect(image.Rect(0, 0, v.grid.W, v.grid.H))
	if 2*crop.Dx()*crop.Dy() > v.grid.W*v.grid.H {
		// A preview would cost about what the whole decode does: start that.
		v.dirty = image.Rectangle{}
		v.decode()
		return
	}
	sub, err := v.grid.Sub(crop.Min.X, crop.Min.Y, crop.Dx(), crop.Dy())
	if err != nil {
		v.editFailed(err)
		return
	}
	v.dirty = image.Rectangle{}
	if v.previewing != nil {
		v.previewing.Cancel()
	}
	gen := v.gen
	j := v.env.Session.Decode(sub, pipeline.DecodeOptions{})
	v.previewing = j
	view.WhenDone(j, func(res jobs.Result, err error) {
		if j != v.previewing {
			return
		}
		v.previewing = nil
		switch {
		case view.Cancelled(err) || v.imgGen >= gen:
			// Stopped, or the whole image of this edit or a later one is shown.
		case err != nil:
			v.editFailed(err)
		default:
			f := v.card.Factor
			v.shown = paste(v.shown, res.(*image.NRGBA), scale(edited.Sub(crop.Min), f), edited.Min.Mul(f), v.grid.W*f, v.grid.H*f)
			v.view.SetImage(v.shown, v.grid.W, v.grid.H)
			if gen == v.gen {
				v.markPending(edited, false)
			}
		}
	})
}

// paste copies the part src of img onto a copy of base (a blank w×h image
// when there is none) at the point at.
func paste(base image.Image, img *image.NRGBA, src image.Rectangle, at image.Point, w, h int) *image.NRGBA {
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	if base != nil {
		draw.Draw(out, out.Rect, base, base.Bounds().Min, draw.Src)
	}
	draw.Draw(out, src.Sub(src.Min).Add(at), img, src.Min, draw.Src)
	return out
}

// scale is r in pixels of cells f pixels wide.
func scale(r image.Rectangle, f int) image.Rectangle {
	return image.Rectangle{Min: r.Min.Mul(f), Max: r.Max.Mul(f)}
}

// markPending marks (or clears) the cells of r as edited but not yet
// shown decoded.
func (v *editorView) markPending(r image.Rectangle, on bool) {
	if v.pending.W != v.grid.W || v.pending.H != v.grid.H {
		v.pending = tokens.NewMask(v.grid.W, v.grid.H)
	}
	r = r.Intersect(image.Rect(0, 0, v.grid.W, v.grid.H))
	if !r.Empty() {
		_ = v.pending.SetRect(r.Min.X, r.Min.Y, r.Dx(), r.Dy(), on) // r is inside the grid
	}
	v.view.SetPending(v.pending)
}

// diffRect is the smallest rectangle holding every cell where a and b
// differ (a and b have one size).
func diffRect(a, b tokens.Grid) image.Rectangle {
	var r image.Rectangle
	for y := range a.H {
		for x := range a.W {
			if a.At(x, y) != b.At(x, y) {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

// describeDecode is the status after the whole image was decoded.
func describeDecode(g tokens.Grid, took time.Duration) string {
	return fmt.Sprintf("Decoded the whole %d×%d grid in %.1f s.", g.W, g.H, took.Seconds())
}
