package editor

import (
	"context"
	"errors"
	"image"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"tessera/engine/jobs"
	"tessera/engine/pipeline"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// pixelsDiffer reports whether a and b differ anywhere in r, and whether
// they differ anywhere outside it.
func pixelsDiffer(a, b *image.NRGBA, r image.Rectangle) (in, out bool) {
	for y := a.Rect.Min.Y; y < a.Rect.Max.Y; y++ {
		for x := a.Rect.Min.X; x < a.Rect.Max.X; x++ {
			if a.NRGBAAt(x, y) != b.NRGBAAt(x, y) {
				if image.Pt(x, y).In(r) {
					in = true
				} else {
					out = true
				}
			}
		}
	}
	return in, out
}

// asNRGBA copies img into an NRGBA starting at (0,0).
func asNRGBA(img image.Image) *image.NRGBA {
	return paste(img, image.NewNRGBA(image.Rectangle{}), image.Rectangle{}, image.Point{}, img.Bounds().Dx(), img.Bounds().Dy())
}

func TestEditorPreviewsAnEditThenShowsTheExactDecode(t *testing.T) {
	env, e, ctrl, w := newEditor(t, "vqgan")
	orig := openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png"))
	cell := image.Pt(6, 1)
	var before *image.NRGBA
	var factor int
	view.Sync(func() {
		e.fullDelay = time.Hour // the whole decode waits until the test asks
		before, factor = asNRGBA(e.shown), e.card.Factor
		e.setCode((orig.At(cell.X, cell.Y) + 1) % e.card.CodebookSize)
	})
	tapCell(e.view, cell)
	view.Sync(func() {
		if e.pending.W != orig.W || !e.pending.At(cell.X, cell.Y) {
			t.Error("the painted cell is not marked at once")
		}
	})
	uitest.WaitFor(t, func() bool { return e.previewing == nil && e.dirty.Empty() && !e.pending.At(cell.X, cell.Y) })
	region := scale(image.Rectangle{Min: cell, Max: cell.Add(image.Pt(1, 1))}, factor)
	var preview *image.NRGBA
	view.Sync(func() {
		preview = asNRGBA(e.shown)
		if e.imgGen == e.gen || e.decoding != nil {
			t.Fatal("the whole image was decoded before the test asked")
		}
	})
	if in, out := pixelsDiffer(preview, before, region); !in || out {
		t.Fatalf("the preview changed the edited cell: %v, pixels outside it: %v", in, out)
	}

	view.Sync(e.decode)
	g := editorGrid(t, e)
	m, _ := env.Session.Model()
	want, err := pipeline.Decode(context.Background(), m, g, pipeline.DecodeOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	view.Sync(func() {
		if got := asNRGBA(e.shown); !slices.Equal(got.Pix, want.Pix) {
			t.Error("the image shown after the whole decode is not the whole decode")
		}
		if e.pending.Count() != 0 {
			t.Error("cells are still marked after the whole decode")
		}
		if !strings.HasPrefix(e.status.Text(), "Decoded the whole 8×8 grid") {
			t.Errorf("status %q", e.status.Text())
		}
	})
}

func TestEditorCancelsAStaleWholeDecode(t *testing.T) {
	_, e, ctrl, w := newEditor(t, "vqgan")
	orig := openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png"))
	view.Sync(func() { e.fullDelay = time.Hour })
	// Hold the worker so the whole decode cannot finish before the next edit.
	release := make(chan struct{})
	e.env.Session.Worker.Submit("hold", func(context.Context, func(jobs.Progress)) (jobs.Result, error) {
		<-release
		return nil, nil
	})
	defer close(release)
	var stale *jobs.Job
	view.Sync(func() {
		e.setCode((orig.At(0, 0) + 1) % e.card.CodebookSize)
		e.paint(image.Pt(0, 0), image.Pt(0, 0))
		e.decode()
		stale = e.decoding
		e.paint(image.Pt(1, 0), image.Pt(1, 0))
	})
	select {
	case <-stale.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a newer edit did not cancel the whole decode of the older grid")
	}
	if !view.Cancelled(stale.Err()) {
		t.Errorf("the stale decode ended with %v", stale.Err())
	}
}

func TestEditorKeepsItsLayoutWhenAJobStarts(t *testing.T) {
	_, e, ctrl, w := newEditor(t, "vqgan")
	openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png"))
	place := func() (p fyne.Position, s fyne.Size) {
		view.Sync(func() { p, s = uitest.CanvasPos(w, e.view), e.view.Size() })
		return p, s
	}
	p0, s0 := place()
	view.Sync(func() {
		e.status.Info("Decoding the whole image…")
		e.status.Progress(jobs.Progress{Done: 1, Total: 3})
	})
	if p, s := place(); p != p0 || s != s0 {
		t.Errorf("the grid moved from %v %v to %v %v when a job started", p0, s0, p, s)
	}
	view.Sync(func() {
		e.status.Fail(errors.New(strings.Repeat("a long error that names a file, a key and a value ", 6)))
	})
	if p, s := place(); p != p0 || s != s0 {
		t.Errorf("the grid moved from %v %v to %v %v when a job failed", p0, s0, p, s)
	}
}

func TestEditorDecodesALargeEditWholeAtOnce(t *testing.T) {
	_, e, ctrl, w := newEditor(t, "vqgan")
	orig := openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png"))
	view.Sync(func() {
		e.fullDelay = time.Hour // only the large edit's own path decodes
		e.setCode((orig.At(0, 0) + 1) % e.card.CodebookSize)
	})
	dragCells(w, e.view, image.Pt(0, 0), image.Pt(7, 7)) // its bounds are the whole grid
	g := editorGrid(t, e)
	if g.Equal(orig) {
		t.Fatal("the stroke painted nothing")
	}
}
