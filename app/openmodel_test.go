package app

import (
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	native "github.com/sqweek/dialog"

	"tessera/engine/session"
	"tessera/ui/view"
)

type chooser func(title string, exts []string) (string, error)

// newTestStudio builds the studio on Fyne's test app and a real engine
// session, with chooseFile standing in for the native dialog.
func newTestStudio(t *testing.T, chooseFile chooser) *studio {
	t.Helper()
	sess := session.New()
	t.Cleanup(sess.Close)
	a := test.NewTempApp(t)
	var s *studio
	view.Sync(func() { s = newStudio(a, sess, chooseFile) })
	t.Cleanup(func() { view.Sync(s.win.Close) })
	return s
}

// The views update from background goroutines through ui.Do; the test
// reads and drives widgets under ui.Sync so it never races them.

// eventually polls cond under the UI lock.
// patience is how long eventually waits.
const patience = time.Minute

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	// A guard against a hang, not a timing check: under -race on a busy
	// 2-core machine opening a model has taken over 10 s.
	deadline := time.Now().Add(patience)
	for {
		var ok bool
		view.Sync(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, patience)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// showsText reports whether a text drawn in obj contains part; call it
// under the UI lock.
func showsText(obj fyne.CanvasObject, part string) bool {
	for _, o := range test.LaidOutObjects(obj) {
		if l, ok := o.(*canvas.Text); ok && strings.Contains(l.Text, part) {
			return true
		}
	}
	return false
}

// topDialog is the dialog drawn over the window, or nil.
func topDialog(s *studio) (top fyne.CanvasObject) {
	view.Sync(func() { top = s.win.Canvas().Overlays().Top() })
	return top
}

// tapCancel cancels Fyne's dialog over the window.
func tapCancel(s *studio) {
	view.Sync(func() {
		for _, o := range test.LaidOutObjects(s.win.Canvas().Overlays().Top()) {
			if b, ok := o.(*widget.Button); ok && b.Text == "Cancel" {
				test.Tap(b)
			}
		}
	})
}

func TestPickedModelIsLoaded(t *testing.T) {
	model := filepath.Join("..", "testdata", "taming-tiny", "vqgan", "checkpoints", "last.ckpt")
	s := newTestStudio(t, func(title string, exts []string) (string, error) {
		if title != "Open Model" || strings.Join(exts, ",") != "ckpt,safetensors" {
			t.Errorf("dialog %q %v", title, exts)
		}
		return model, nil
	})
	view.Sync(s.OpenModel)
	eventually(t, "model in the status bar", func() bool { return showsText(s.win.Content(), "VQGAN, 64 codes, f4") })
	if s.choosing.Load() {
		t.Error("still choosing after the dialog closed")
	}
}

func TestCancelledPickChangesNothing(t *testing.T) {
	answered := make(chan string, 1)
	s := newTestStudio(t, func(string, []string) (string, error) { return "", native.ErrCancelled })
	view.Sync(func() { s.PickFile("Open Image", []string{"png"}, func(p string) { answered <- p }) })
	select {
	case p := <-answered:
		if p != "" {
			t.Errorf("cancel answered %q", p)
		}
	case <-time.After(patience):
		t.Fatal("no answer after cancel")
	}
	if top := topDialog(s); top != nil {
		t.Errorf("a cancelled pick opened %T", top)
	}
	eventually(t, "dialog closed", func() bool { return !s.choosing.Load() })
}

func TestBrokenNativeDialogFallsBackToFyne(t *testing.T) {
	s := newTestStudio(t, func(string, []string) (string, error) { return "", errors.New("no GTK") })
	answered := make(chan string, 1)
	view.Sync(func() { s.PickFile("Open Grid", []string{"json"}, func(p string) { answered <- p }) })
	eventually(t, "Fyne's dialog", func() bool { return s.win.Canvas().Overlays().Top() != nil })
	if !s.choosing.Load() {
		t.Error("Ctrl+O would open a second dialog over Fyne's")
	}
	tapCancel(s)
	if p := <-answered; p != "" {
		t.Errorf("cancelled Fyne dialog answered %q", p)
	}
	if s.choosing.Load() {
		t.Error("still choosing after Fyne's dialog was cancelled")
	}
}

func TestOneDialogAtATime(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	s := newTestStudio(t, func(string, []string) (string, error) {
		calls.Add(1)
		<-release
		return "", native.ErrCancelled
	})
	view.Sync(s.OpenModel)
	view.Sync(s.OpenModel) // while the first dialog is still open
	close(release)
	eventually(t, "dialog goroutine finished", func() bool { return !s.choosing.Load() })
	if n := calls.Load(); n != 1 {
		t.Errorf("%d dialogs opened, want 1", n)
	}
}

func TestPickedFolderIsAnswered(t *testing.T) {
	s := newTestStudio(t, nil)
	dir := t.TempDir()
	s.chooseFolder = func(title string) (string, error) {
		if title != "Images" {
			t.Errorf("folder dialog titled %q", title)
		}
		return dir, nil
	}
	answered := make(chan string, 1)
	view.Sync(func() { s.PickFolder("Images", func(p string) { answered <- p }) })
	if p := <-answered; p != dir {
		t.Errorf("folder dialog answered %q, want %q", p, dir)
	}
	eventually(t, "dialog closed", func() bool { return !s.choosing.Load() })
}

func TestBrokenNativeFolderDialogFallsBackToFyne(t *testing.T) {
	s := newTestStudio(t, nil)
	s.chooseFolder = func(string) (string, error) { return "", errors.New("no GTK") }
	answered := make(chan string, 1)
	view.Sync(func() { s.PickFolder("Images", func(p string) { answered <- p }) })
	eventually(t, "Fyne's folder dialog", func() bool { return s.win.Canvas().Overlays().Top() != nil })
	tapCancel(s)
	if p := <-answered; p != "" {
		t.Errorf("cancelled Fyne dialog answered %q", p)
	}
}
