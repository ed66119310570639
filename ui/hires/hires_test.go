package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"tessera/engine/imgio"
	"tessera/engine/jobs"
	"tessera/engine/pipeline"
)

// setHiResSize types a size into the Hi-Res view's entries.
func setHiResSize(h *hiResView, w, ht string) {
	Sync(func() {
		h.width.SetText(w)
		h.height.SetText(ht)
	})
}

func TestHiResEstimatesSamplesAndExports(t *testing.T) {
	v, ctrl, w := studioWith(t, "cin_transformer", "Hi-Res")
	h := viewOf[*hiResView](t, v)
	setHiResSize(h, "12", "12")
	if !showsText(w, "= 12×12 tokens, 48×48 pixels") {
		t.Errorf("size not shown: %v", visibleTexts(w))
	}
	if !showsText(w, "144 tokens to sample. Sampling speed is not measured yet") {
		t.Errorf("no word on the missing measurement: %v", visibleTexts(w))
	}
	setHiResSize(h, "7", "12")
	if !showsText(w, "at least the model's window: 8×8 tokens (32×32 pixels)") {
		t.Errorf("a size below the window is not refused: %v", visibleTexts(w))
	}
	setHiResSize(h, "12", "12")

	tapButton(t, w, "Measure speed")
	waitFor(t, func() bool { return strings.Contains(h.estimate.Text, "for 144 tokens") })
	if !showsText(w, "per token as measured, ") {
		t.Errorf("estimate after measuring: %v", visibleTexts(w))
	}

	tapButton(t, w, "Sample")
	var r *pipeline.Result
	waitFor(t, func() bool { r = h.result; return h.job == nil && r != nil })
	grid := r.Grid
	if grid.W != 12 || grid.H != 12 || r.Image.Bounds().Dx() != 48 {
		t.Fatalf("sampled %dx%d tokens, image %v", grid.W, grid.H, r.Image.Bounds())
	}
	if r.Params["stride"] != 1 || r.Params["operation"] != "sample" {
		t.Errorf("parameters %v", r.Params)
	}
	// Later estimates use the speed of this run.
	if !showsText(w, "About ") || !showsText(w, "for 144 tokens, at the speed of the last run here.") {
		t.Errorf("estimate after a run: %v", visibleTexts(w))
	}

	// The size follows the unit.
	Sync(func() { h.unit.SetSelected(unitPixels) })
	Sync(func() {
		if h.width.Text != "48" || h.height.Text != "48" {
			t.Errorf("in pixels the size reads %s×%s", h.width.Text, h.height.Text)
		}
	})

	path := filepath.Join(t.TempDir(), "big.png")
	Sync(func() { ctrl.answer = path })
	tapButton(t, w, "Export PNG…")
	waitFor(t, func() bool { return strings.HasPrefix(h.status.text.Text, "Exported") })
	if g, _, err := imgio.GridFromPNG(path); err != nil || !g.Equal(grid) {
		t.Errorf("the exported PNG carries another grid (err %v)", err)
	}

	tapButton(t, w, "Open in Editor")
	if g := editorGrid(t, viewOf[*editorView](t, v)); !g.Equal(grid) {
		t.Error("the Editor did not receive the hi-res grid")
	}
}

func TestHiResCancelKeepsThePartialImage(t *testing.T) {
	v, _, w := studioWith(t, "cin_transformer", "Hi-Res")
	h := viewOf[*hiResView](t, v)
	setHiResSize(h, "40", "40")
	// Nothing is measured yet: Sample measures first, then samples.
	tapButton(t, w, "Sample")
	var run *jobs.Job
	waitFor(t, func() bool {
		run = h.job
		return run != nil && strings.HasPrefix(h.status.text.Text, "Sampling 40×40")
	})
	// The image grows row by row.
	waitFor(t, func() bool { return h.preview.Image != nil || run.State().Finished() })
	tapButton(t, w, "Cancel")
	var r *pipeline.Result
	waitFor(t, func() bool { r = h.result; return h.job == nil })
	if run.State() != jobs.Cancelled {
		t.Fatalf("the run ended %v", run.State())
	}
	if !showsText(w, "the partial image is kept") {
		t.Errorf("status after cancelling: %v", visibleTexts(w))
	}
	if r == nil || r.Grid.W != 40 || r.Image.Bounds().Dx() != 160 {
		t.Fatal("no partial result of the full size")
	}
	sampled, last := 0, r.Grid.Codes[len(r.Grid.Codes)-40:]
	for _, c := range last {
		if c != 0 {
			sampled++
		}
	}
	if sampled > 0 {
		t.Errorf("the last row has %d sampled tokens: the run was not cut short", sampled)
	}
}
