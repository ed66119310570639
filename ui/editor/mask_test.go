package editor

import (
	"image"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"tessera/engine/pipeline"
	"tessera/engine/sample"
	"tessera/engine/tokens"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// newResampler is an Editor with a class transformer, the Sample view's
// settings as they start, a fixed seed and input1.png open.
func newResampler(t *testing.T) (*editorView, fyne.Window, tokens.Grid, func(button string) tokens.Grid) {
	t.Helper()
	env, e, ctrl, w := newEditor(t, "cin_transformer")
	env.SampleSettings = func() (pipeline.SampleRequest, error) {
		class := 0
		return pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}, Options: sample.Options{Filter: sample.Filter{TopK: 100, TopP: 1, Temperature: 1}, Count: 1}}, nil
	}
	orig := openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input1.png"))
	view.Sync(func() {
		e.seed.Random.SetChecked(false)
		e.seed.Entry.SetText("5")
	})
	resample := func(button string) tokens.Grid {
		t.Helper()
		uitest.TapButton(t, w, button)
		uitest.WaitFor(t, func() bool { return e.resampler == nil && strings.HasPrefix(e.status.Text(), "Resampled") })
		return editorGrid(t, e)
	}
	uitest.TapButton(t, w, "Mask")
	return e, w, orig, resample
}

func TestEditorResamplesAMaskOfAnyShape(t *testing.T) {
	e, win, orig, resample := newResampler(t)
	// An L: row 2 from column 2 to 5, then down column 2, and one cell
	// taken out again.
	dragCells(win, e.view, image.Pt(2, 2), image.Pt(5, 2))
	dragCells(win, e.view, image.Pt(2, 3), image.Pt(2, 6))
	tapCell(e.view, image.Pt(2, 6))
	want := tokens.NewMask(8, 8)
	for _, c := range []image.Point{{2, 2}, {3, 2}, {4, 2}, {5, 2}, {2, 3}, {2, 4}, {2, 5}} {
		want.Set(c.X, c.Y, true)
	}
	view.Sync(func() {
		if !slices.Equal(e.mask.Bits, want.Bits) {
			t.Fatalf("the mask tool marked %v, want %v", e.mask.Bits, want.Bits)
		}
	})
	out := resample("Resample mask")
	changed := 0
	for y := range 8 {
		for x := range 8 {
			if out.At(x, y) != orig.At(x, y) {
				if !want.At(x, y) {
					t.Errorf("cell (%d,%d) outside the mask changed", x, y)
				}
				changed++
			}
		}
	}
	if changed == 0 {
		t.Error("resampling the mask changed nothing")
	}
	if !uitest.ShowsText(win, "Resampled 7 masked tokens (seed 5)") {
		t.Errorf("status %q", e.status.Text())
	}
}

func TestEditorMaskOfARectangleResamplesLikeTheRegion(t *testing.T) {
	e, win, orig, resample := newResampler(t)
	uitest.TapButton(t, win, "Region")
	dragCells(win, e.view, image.Pt(2, 2), image.Pt(5, 4))
	region := resample("Resample region")
	uitest.TapButton(t, win, "Undo")
	if g := editorGrid(t, e); !g.Equal(orig) {
		t.Fatal("undo did not restore the grid")
	}
	uitest.TapButton(t, win, "Mask")
	for y := 2; y <= 4; y++ {
		dragCells(win, e.view, image.Pt(2, y), image.Pt(5, y))
	}
	masked := resample("Resample mask")
	if !masked.Equal(region) || masked.Equal(orig) {
		t.Error("the mask of the rectangle drew other tokens than the region with the same seed")
	}
}
