package ui

import (
	"strings"
	"testing"

	"tessera/engine/jobs"
	"tessera/engine/pipeline"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// The views reach each other through view.Env; these tests run them
// together in the main view, as the studio does.

func TestASampleGoesToTheEditor(t *testing.T) {
	v, _, w := newTestWindow(t)
	loadModel(t, v, "cin_transformer")
	selectTab(v, "Sample")
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
		return running.State() == jobs.Running && strings.HasPrefix(v.status.job.Text(), "sample ") && strings.Contains(v.status.job.Text(), "%")
	})
	view.Sync(func() {
		if s := v.status.job.Text(); !strings.HasSuffix(s, "(+1 queued)") || !v.status.jobBox.Visible() {
			t.Errorf("status bar job %q, shown %v", s, v.status.jobBox.Visible())
		}
	})
	// Clicking the status bar's job shows the Jobs view.
	uitest.Tap(v.status.job)
	view.Sync(func() {
		if v.tabs.Selected().Text != "Jobs" {
			t.Errorf("clicking the running job selected %s", v.tabs.Selected().Text)
		}
	})
	queued.Cancel()
	running.Cancel()
	uitest.WaitFor(t, func() bool { return !v.status.jobBox.Visible() })
}
