package app

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	native "github.com/sqweek/dialog"
)

// newTestStudio builds the studio on Fyne's test app, with chooseFile
// standing in for the native dialog.
func newTestStudio(t *testing.T, chooseFile func() (string, error)) *studio {
	t.Helper()
	s := newStudio(test.NewTempApp(t), chooseFile)
	t.Cleanup(s.win.Close)
	return s
}

func shows(obj fyne.CanvasObject, text string) bool {
	for _, o := range test.LaidOutObjects(obj) {
		if l, ok := o.(*widget.Label); ok && l.Text == text {
			return true
		}
	}
	return false
}

func TestPickedModelShowsInStatusBar(t *testing.T) {
	s := newTestStudio(t, func() (string, error) { return "/models/f16.ckpt", nil })
	s.choosing.Store(true)
	s.pickModel()
	if !shows(s.win.Content(), "Selected: /models/f16.ckpt") {
		t.Error("status bar does not show the selected model")
	}
	if s.choosing.Load() {
		t.Error("still choosing after the dialog closed")
	}
}

func TestCancelledPickChangesNothing(t *testing.T) {
	s := newTestStudio(t, func() (string, error) { return "", native.ErrCancelled })
	s.choosing.Store(true)
	s.pickModel()
	if !shows(s.win.Content(), "No model loaded") {
		t.Error("status bar changed after a cancelled pick")
	}
	if top := s.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a cancelled pick opened %T", top)
	}
	if s.choosing.Load() {
		t.Error("still choosing after the dialog was cancelled")
	}
}

func TestBrokenNativeDialogFallsBackToFyne(t *testing.T) {
	s := newTestStudio(t, func() (string, error) { return "", errors.New("no GTK") })
	s.choosing.Store(true)
	s.pickModel()
	top := s.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no Fyne file dialog after the native one failed")
	}
	if !s.choosing.Load() {
		t.Error("Ctrl+O would open a second dialog over Fyne's")
	}
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Cancel" {
			test.Tap(b)
		}
	}
	if s.choosing.Load() {
		t.Error("still choosing after Fyne's dialog was cancelled")
	}
}

func TestOneDialogAtATime(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	s := newTestStudio(t, func() (string, error) {
		calls.Add(1)
		<-release
		return "", native.ErrCancelled
	})
	s.OpenModel()
	s.OpenModel() // while the first dialog is still open
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for s.choosing.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the dialog goroutine did not finish")
		}
		time.Sleep(time.Millisecond)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d dialogs opened, want 1", n)
	}
}
