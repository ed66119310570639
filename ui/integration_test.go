package ui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/engine/pipeline"
	"tessera/engine/train"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// The views reach each other through view.Env; these tests run them
// together in the main view, as the studio does.

func TestASampleGoesToTheEditor(t *testing.T) {
	v, _, w := newTestWindow(t)
	loadModel(t, v, "cin_transformer")
	selectTab(v, "Sample")
	// A fixed seed (0), so that the request below makes the same grid.
	uitest.Tap(uitest.Find(t, w, func(c *widget.Check) bool { return c.Text == widgets.NewSeedText }))
	uitest.TapButton(t, w, "Sample")
	uitest.WaitForText(t, w, "Sampled 1 result(s).")
	// The same request sampled again gives the same grid.
	var req pipeline.SampleRequest
	view.Sync(func() {
		var err error
		if req, err = v.env.SampleSettings(); err != nil {
			t.Fatal(err)
		}
	})
	want := uitest.WaitJob(t, v.env.Session.Sample(req)).([]pipeline.Result)[0].Grid

	uitest.TapButton(t, w, "Edit")
	uitest.WaitFor(t, func() bool { g, ok := v.env.CurrentGrid(); return ok && g.Equal(want) })
	view.Sync(func() {
		if sel := v.tabs.Selected(); sel == nil || sel.Text != "Editor" {
			t.Error("sending to the Editor did not show it")
		}
	})
	if !uitest.ShowsText(w, "sample (seed 0): 8×8 tokens") {
		t.Errorf("the Editor does not say where its grid came from: %v", uitest.Texts(w))
	}
}

func TestStatusBarShowsTheRunningJob(t *testing.T) {
	v, _, _ := newTestWindow(t)
	loadModel(t, v, "cin_transformer")
	// A 32x32 grid slides the tiny transformer's window over 1024 tokens:
	// long enough to be seen running.
	class := 3
	req := pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}, W: 32, H: 32}
	running, queued := v.env.Session.Sample(req), v.env.Session.Sample(req)
	t.Cleanup(running.Cancel)
	t.Cleanup(queued.Cancel)
	uitest.WaitFor(t, func() bool {
		return running.State() == jobs.Running && strings.HasPrefix(v.status.studio.text.Text(), "Sample 1 × 32×32 (class 3) ") && strings.Contains(v.status.studio.text.Text(), "%")
	})
	view.Sync(func() {
		if s := v.status.studio.text.Text(); !strings.HasSuffix(s, "(+1 queued)") || !v.status.studio.box.Visible() {
			t.Errorf("status bar job %q, shown %v", s, v.status.studio.box.Visible())
		}
	})
	// Clicking the status bar's job shows the Jobs view.
	uitest.Tap(v.status.studio.text)
	view.Sync(func() {
		if v.tabs.Selected().Text != "Jobs" {
			t.Errorf("clicking the running job selected %s", v.tabs.Selected().Text)
		}
	})
	queued.Cancel()
	running.Cancel()
	uitest.WaitFor(t, func() bool { return !v.status.studio.box.Visible() })
}

func TestClosingDuringATrainingRunAsksThenSaves(t *testing.T) {
	v, _, w := newTestWindow(t)
	closed := 0
	view.Sync(func() { v.ConfirmClose(func() { closed++ }) })
	if closed != 1 || uitest.TopOverlay(w) != nil {
		t.Fatalf("without a run the window should close at once (closed %d)", closed)
	}

	dir, out := t.TempDir(), filepath.Join(t.TempDir(), "run")
	writePNG(t, filepath.Join(dir, "a.png"))
	run := v.env.Session.Train(train.Options{Kind: train.KindVQGAN, Preset: "tiny", Data: dir, Out: out, Batch: 1, Steps: 10000})
	t.Cleanup(run.Job.Cancel)
	uitest.WaitFor(t, func() bool { return run.Job.Progress().Done >= 1 })
	view.Sync(func() { v.ConfirmClose(func() { closed++ }) })
	uitest.WaitForText(t, w, "Stop it and close?")
	uitest.TapButton(t, w, keepTrainingText)
	if closed != 1 || run.Job.State() != jobs.Running {
		t.Fatal("keeping the run closed the window or stopped the run")
	}
	view.Sync(func() { v.ConfirmClose(func() { closed++ }) })
	uitest.TapButton(t, w, stopAndCloseText)
	uitest.WaitFor(t, func() bool { return closed == 2 })
	if run.Job.State() != jobs.Cancelled {
		t.Errorf("the run ended %v: %v", run.Job.State(), run.Job.Err())
	}
	if _, err := os.Stat(filepath.Join(out, train.ModelFile)); err != nil {
		t.Errorf("the run did not save before the window closed: %v", err)
	}
}

// writePNG writes a 32x32 colour ramp.
func writePNG(t *testing.T, path string) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
