package hires

import (
	"fmt"
	"image"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"tessera/engine/imgio"
	"tessera/engine/jobs"
	"tessera/engine/pipeline"
	"tessera/engine/sample"
	"tessera/engine/tokens"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// newHiRes shows a Hi-Res view with the named tiny model loaded in a test
// window, the Sample view's settings as they start standing in for that
// view (class 0, seed 0, top-k 100).
func newHiRes(t *testing.T, modelName string) (*view.Env, *hiResView, *uitest.Recorder, fyne.Window) {
	t.Helper()
	env, ctrl := uitest.Env(t)
	env.SampleSettings = func() (pipeline.SampleRequest, error) {
		class := 0
		return pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}, Options: sample.Options{Filter: sample.Filter{TopK: 100, TopP: 1, Temperature: 1}, Count: 1}}, nil
	}
	h := New(env).(*hiResView)
	w := uitest.Window(t, env, h.Content)
	uitest.OpenModel(t, env, modelName, h)
	return env, h, ctrl, w
}

// setHiResSize types a size into the Hi-Res view's entries.
func setHiResSize(h *hiResView, w, ht string) {
	view.Sync(func() {
		h.width.SetText(w)
		h.height.SetText(ht)
	})
}

func TestHiResEstimatesSamplesAndExports(t *testing.T) {
	env, h, ctrl, w := newHiRes(t, "cin_transformer")
	root := uitest.KeepOutputs(t, env)
	setHiResSize(h, "12", "12")
	if !uitest.ShowsText(w, "= 12×12 tokens, 48×48 pixels") {
		t.Errorf("size not shown: %v", uitest.Texts(w))
	}
	if !uitest.ShowsText(w, "144 tokens to sample. Sampling speed is not measured yet") {
		t.Errorf("no word on the missing measurement: %v", uitest.Texts(w))
	}
	setHiResSize(h, "7", "12")
	if !uitest.ShowsText(w, "at least the model's window: 8×8 tokens (32×32 pixels)") {
		t.Errorf("a size below the window is not refused: %v", uitest.Texts(w))
	}
	setHiResSize(h, "12", "12")

	uitest.TapButton(t, w, "Measure speed")
	uitest.WaitFor(t, func() bool { return strings.Contains(h.estimate.Text, "for 144 tokens") })
	// The estimate follows the window's exact schedule: 8×8 windows after
	// the class token.
	mask := tokens.NewMask(12, 12)
	mask.Fill(true)
	fed := 0
	for _, c := range sample.Schedule(mask, 8, 1, sample.Options{}) {
		fed += c.Fed
	}
	if !uitest.ShowsText(w, fmt.Sprintf("for 144 tokens: the sliding window feeds the transformer %d inputs", fed)) {
		t.Errorf("estimate after measuring: %v", uitest.Texts(w))
	}

	uitest.TapButton(t, w, "Sample")
	var r *pipeline.Result
	uitest.WaitFor(t, func() bool { r = h.result; return h.job == nil && r != nil })
	grid := r.Grid
	if grid.W != 12 || grid.H != 12 || r.Image.Bounds().Dx() != 48 {
		t.Fatalf("sampled %dx%d tokens, image %v", grid.W, grid.H, r.Image.Bounds())
	}
	if r.Params["stride"] != 1 || r.Params["operation"] != "sample" {
		t.Errorf("parameters %v", r.Params)
	}
	// The Jobs list tells the measurement and the run apart.
	var names []string
	for _, j := range env.Session.Worker.Jobs() {
		names = append(names, j.Name)
	}
	if !slices.Contains(names, "Measure speed (sample 8×8)") || !slices.Contains(names, "Hi-Res 48×48 (seed 0)") {
		t.Errorf("jobs named %q", names)
	}
	// The result is kept in the output history; the measurement is not.
	if kept := uitest.WaitForOutputs(t, root, 1); len(kept) != 1 {
		t.Errorf("the history holds %d PNGs, want the one result", len(kept))
	} else {
		for name, g := range kept {
			if !g.Equal(grid) || !strings.HasSuffix(name, "-48x48.png") {
				t.Errorf("the history holds %s with another grid", name)
			}
		}
	}
	// Later estimates use this run's timings too.
	if !uitest.ShowsText(w, "About ") || !uitest.ShowsText(w, "timed by the runs so far with this model") {
		t.Errorf("estimate after a run: %v", uitest.Texts(w))
	}

	// The size follows the unit.
	view.Sync(func() { h.unit.SetSelected(unitPixels) })
	view.Sync(func() {
		if h.width.Text != "48" || h.height.Text != "48" {
			t.Errorf("in pixels the size reads %s×%s", h.width.Text, h.height.Text)
		}
	})

	path := filepath.Join(t.TempDir(), "big.png")
	ctrl.SetAnswer(path)
	uitest.TapButton(t, w, "Export PNG…")
	uitest.WaitFor(t, func() bool { return strings.HasPrefix(h.status.Text(), "Exported") })
	if g, _, err := imgio.GridFromPNG(path); err != nil || !g.Equal(grid) {
		t.Errorf("the exported PNG carries another grid (err %v)", err)
	}

	var sent tokens.Grid
	view.Sync(func() {
		env.SendToEditor = func(g tokens.Grid, _ image.Image, _ map[string]any) { sent = g }
	})
	uitest.TapButton(t, w, "Open in Editor")
	view.Sync(func() {
		if !sent.Equal(grid) {
			t.Error("the Editor was not sent the hi-res grid")
		}
	})
}

func TestHiResCancelKeepsThePartialImage(t *testing.T) {
	_, h, _, w := newHiRes(t, "cin_transformer")
	setHiResSize(h, "40", "40")
	// Nothing is measured yet: Sample measures first, then samples.
	uitest.TapButton(t, w, "Sample")
	var run *jobs.Job
	uitest.WaitFor(t, func() bool {
		run = h.job
		return run != nil && strings.HasPrefix(h.status.Text(), "Sampling 40×40")
	})
	// Cancel once the first row is drawn (previews may be skipped on a
	// loaded machine: they are kept to a share of the run).
	uitest.WaitFor(t, func() bool { return run.Progress().Done >= 40 || run.State().Finished() })
	uitest.TapButton(t, w, "Cancel")
	var r *pipeline.Result
	uitest.WaitFor(t, func() bool { r = h.result; return h.job == nil })
	if run.State() != jobs.Cancelled {
		t.Fatalf("the run ended %v", run.State())
	}
	// The message gives the true count: every token from there on is
	// unsampled (code 0).
	var n int
	view.Sync(func() { fmt.Sscanf(h.status.Text(), "Cancelled after %d of 1600 tokens; the partial grid is kept", &n) })
	if n < 40 || n >= 1600 {
		t.Fatalf("status after cancelling: %q", h.status.Text())
	}
	if r == nil || r.Grid.W != 40 || r.Image.Bounds().Dx() != 160 {
		t.Fatal("no partial result of the full size")
	}
	for i, c := range r.Grid.Codes[n:] {
		if c != 0 {
			t.Fatalf("token %d is sampled, after the %d the message counts", n+i, n)
		}
	}
	if r.Drawn != n {
		t.Errorf("the result counts %d tokens drawn, the message %d", r.Drawn, n)
	}
}
