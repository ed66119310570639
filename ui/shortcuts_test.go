package ui

import (
	"context"
	"strings"
	"testing"

	"tessera/engine/jobs"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestCtrlQQuitsAsFileQuitDoes(t *testing.T) {
	_, ctrl, w := newTestWindow(t)
	typeShortcut(w, quitShortcut)
	if ctrl.Quits != 1 {
		t.Errorf("Ctrl+Q made %d Quit calls, want 1", ctrl.Quits)
	}
	if quit := menuItems(w, "File")["Quit"]; quit == nil || quit.Shortcut == nil || quit.Shortcut.ShortcutName() != quitShortcut.ShortcutName() {
		t.Errorf("File > Quit does not show Ctrl+Q: %+v", quit)
	}
}

func TestCtrlNumberSwitchesTabs(t *testing.T) {
	v, _, w := newTestWindow(t)
	viewMenu := menuItems(w, "View")
	for n := 6; n >= 1; n-- {
		typeShortcut(w, tabShortcut(n))
		view.Sync(func() {
			if got := v.tabs.SelectedIndex(); got != n-1 {
				t.Errorf("Ctrl+%d selected tab %d, want %d", n, got, n-1)
			}
			title := v.views[n-1].v.Title()
			if it := viewMenu[title]; it == nil || it.Shortcut.ShortcutName() != tabShortcut(n).ShortcutName() {
				t.Errorf("View > %s does not show Ctrl+%d", title, n)
			}
		})
	}
}

// sampleJobs counts the jobs on the studio's worker whose names start
// with one of prefixes ("Sample 1 × 8×8 (class 0)", "Measure speed (…)").
func sampleJobs(v *MainView, prefixes ...string) int {
	n := 0
	for _, j := range v.env.Session.Worker.Jobs() {
		for _, p := range prefixes {
			if strings.HasPrefix(j.Name, p) {
				n++
			}
		}
	}
	return n
}

func TestCtrlEnterRunsTheViewsMainAction(t *testing.T) {
	v, _, w := newTestWindow(t)
	selectTab(v, "Sample")
	typeShortcut(w, runShortcut) // no model: the view shows its empty state
	if n := sampleJobs(v, "Sample"); n != 0 {
		t.Fatalf("Ctrl+Enter without a model started %d sampling jobs", n)
	}
	loadModel(t, v, "cin_transformer")
	typeShortcut(w, runShortcut)
	if n := sampleJobs(v, "Sample"); n != 1 {
		t.Fatalf("Ctrl+Enter in the Sample view started %d sampling jobs, want 1", n)
	}
	selectTab(v, "Codebook")
	typeShortcut(w, runKeypadShortcut)
	if n := sampleJobs(v, "Sample", "Hi-Res", "Measure speed"); n != 1 {
		t.Fatalf("Ctrl+Enter in the Codebook view started a sampling job")
	}
	if it := menuItems(w, "View")[runText]; it == nil || !it.Disabled {
		t.Errorf("View > Run is enabled on the Codebook tab")
	}
	selectTab(v, "Hi-Res")
	typeShortcut(w, runKeypadShortcut) // the keypad's Enter too
	// Hi-Res measures the speed first, or samples at once when it knows it.
	if n := sampleJobs(v, "Hi-Res", "Measure speed"); n != 1 {
		t.Errorf("Ctrl+Enter in the Hi-Res view started %d jobs, want 1", n)
	}
	for _, j := range v.env.Session.Worker.Jobs() {
		j.Cancel()
	}
}

// untilCancelled submits a job named name to w that runs until it is
// cancelled.
func untilCancelled(t *testing.T, w *jobs.Worker, name string) *jobs.Job {
	t.Helper()
	j := w.Submit(name, func(ctx context.Context, _ func(jobs.Progress)) (jobs.Result, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	t.Cleanup(j.Cancel)
	return j
}

func TestStatusBarCancelStopsTheRunningJob(t *testing.T) {
	v, _, w := newTestWindow(t)
	running := untilCancelled(t, v.env.Session.Worker, "wait for cancel")
	uitest.WaitFor(t, func() bool { return running.State() == jobs.Running && v.status.studio.box.Visible() })
	cancel := v.status.studio.cancel
	view.Sync(func() {
		p, size := uitest.CanvasPos(w, cancel), w.Canvas().Size()
		if !cancel.Visible() || cancel.Text != cancelJobText || p.X+cancel.Size().Width > size.Width || p.Y+cancel.Size().Height > size.Height {
			t.Errorf("the status bar's Cancel is at %v size %v on a %v canvas (shown %v)", p, cancel.Size(), size, cancel.Visible())
		}
	})
	uitest.Tap(cancel)
	uitest.WaitFor(t, func() bool { return running.State() == jobs.Cancelled && !v.status.studio.box.Visible() })
}
