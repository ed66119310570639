package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// smallWindow is the smallest window the studio is laid out for.
var smallWindow = fyne.NewSize(640, 420)

// inCanvas tells whether o lies wholly inside w's canvas; call it under
// the UI lock.
func inCanvas(w fyne.Window, o fyne.CanvasObject) bool {
	p, s, c := uitest.CanvasPos(w, o), o.Size(), w.Canvas().Size()
	return o.Visible() && p.X >= 0 && p.Y >= 0 && p.X+s.Width <= c.Width && p.Y+s.Height <= c.Height
}

// longJobName is a job name as long as an opened model's path can make it.
var longJobName = "open " + strings.Repeat("/a-rather-long-folder-name", 12) + "/checkpoints/last.ckpt"

// TestSmallWindow opens the widest case, a segmentation model with a long
// job on each worker, in a 640x420 window (one model load: they are slow
// under -race).
func TestSmallWindow(t *testing.T) {
	v, _, w := newTestWindow(t)
	loadModel(t, v, "seg_transformer")
	untilCancelled(t, v.env.Session.Worker, longJobName)
	untilCancelled(t, v.env.Session.Training, longJobName)
	uitest.WaitFor(t, func() bool { return v.status.studio.box.Visible() && v.status.trainer.box.Visible() })
	view.Sync(func() { w.Resize(smallWindow) })

	t.Run("visiting tabs does not grow the window", func(t *testing.T) {
		for _, title := range v.Titles() {
			selectTab(v, title)
			view.Sync(func() {
				// A real window grows to its content's minimum size.
				if min := w.Content().MinSize(); min.Width > smallWindow.Width || min.Height > smallWindow.Height {
					t.Errorf("with %s shown the window's content needs %v, more than %v", title, min, smallWindow)
				}
				if got := w.Canvas().Size(); got != smallWindow {
					t.Errorf("with %s shown the window is %v", title, got)
				}
			})
		}
	})

	t.Run("the run buttons are in sight", func(t *testing.T) {
		for _, b := range []struct{ view, button string }{{"Sample", "Sample"}, {"Hi-Res", "Sample"}, {"Train", "Start"}, {"Train", "Stop"}, {"Train", "Resume"}} {
			selectTab(v, b.view)
			button := uitest.FindButton(t, w, b.button)
			view.Sync(func() {
				if !inCanvas(w, button) {
					t.Errorf("%s's %s button is at %v size %v, outside the %v window", b.view, b.button, uitest.CanvasPos(w, button), button.Size(), w.Canvas().Size())
				}
			})
		}
	})
}

func TestJobsCancelIsInSightAt640x420(t *testing.T) {
	v, _, w := newTestWindow(t)
	view.Sync(func() { w.Resize(smallWindow) })
	running := untilCancelled(t, v.env.Session.Worker, longJobName)
	selectTab(v, "Jobs")
	uitest.WaitFor(t, func() bool { return running.State() == jobs.Running })
	// The Jobs view lists the job once it hears of it.
	var cancel *widget.Button
	uitest.WaitFor(t, func() bool {
		uitest.Shown(w.Content(), func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Text == "Cancel" && b != v.status.studio.cancel {
				cancel = b
			}
		})
		return cancel != nil
	})
	view.Sync(func() {
		if !inCanvas(w, cancel) {
			t.Errorf("the running job's Cancel is at %v size %v, outside the %v window", uitest.CanvasPos(w, cancel), cancel.Size(), w.Canvas().Size())
		}
	})
	uitest.Tap(cancel)
	uitest.WaitFor(t, func() bool { return running.State() == jobs.Cancelled })
}

func TestSampleControlsFitTheDefaultWindow(t *testing.T) {
	// The tallest conditions: a label map painter, and an image.
	for _, name := range []string{"seg_transformer", "depth_transformer"} {
		t.Run(name, func(t *testing.T) {
			v, _, w := newTestWindow(t)
			loadModel(t, v, name)
			selectTab(v, "Sample")
			n := 0
			view.Sync(func() {
				uitest.Shown(w.Content(), func(o fyne.CanvasObject) {
					s, ok := o.(*container.Scroll)
					if !ok {
						return
					}
					n++
					if need := s.Content.MinSize(); need.Height > s.Size().Height || need.Width > s.Size().Width {
						t.Errorf("a scroll at %v of %v holds %v: it scrolls", uitest.CanvasPos(w, s), s.Size(), need)
					}
				})
			})
			if n < 3 { // the tab's, the controls' and the gallery's
				t.Errorf("%d scrolls shown", n)
			}
		})
	}
}
