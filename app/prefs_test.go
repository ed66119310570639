package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"tessera/engine/session"
	"tessera/ui/view"
)

func TestWindowSizeIsKeptBetweenRuns(t *testing.T) {
	a := test.NewTempApp(t)
	open := func() *studio {
		sess := session.New()
		t.Cleanup(sess.Close)
		var s *studio
		view.Sync(func() { s = newStudio(a, sess, nil) })
		t.Cleanup(func() { view.Sync(s.win.Close) })
		return s
	}
	first := open()
	if got := first.win.Canvas().Size(); got != defaultWindowSize {
		t.Errorf("first run opens at %v, want %v", got, defaultWindowSize)
	}
	view.Sync(func() {
		first.win.Resize(fyne.NewSize(900, 640))
		first.Quit()
	})
	if got := open().win.Canvas().Size(); got != fyne.NewSize(900, 640) {
		t.Errorf("second run opens at %v, want the 900x640 the first closed at", got)
	}
}

func TestUnusableSavedSizeIsNotRestored(t *testing.T) {
	p := test.NewTempApp(t).Preferences()
	p.SetFloat(prefWindowWidth, 3)
	p.SetFloat(prefWindowHeight, 2)
	if got := savedWindowSize(p); got != fyne.NewSize(640, 480) {
		t.Errorf("a 3x2 window restores as %v", got)
	}
}
