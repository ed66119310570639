package app

import (
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	native "github.com/sqweek/dialog"

	"tessera/engine/session"
)

type chooser func(title string, exts []string, save bool) (string, error)

// newTestStudio builds the studio on Fyne's test app and a real engine
// session, with chooseFile standing in for the native dialog.
func newTestStudio(t *testing.T, chooseFile chooser) *studio {
	t.Helper()
	sess := session.New()
	t.Cleanup(sess.Close)
	s := newStudio(test.NewTempApp(t), sess, chooseFile)
	t.Cleanup(s.win.Close)
	return s
}

// labelTexts returns the texts of the labels laid out in obj.
func labelTexts(obj fyne.CanvasObject) []string {
	var out []string
	for _, o := range test.LaidOutObjects(obj) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return out
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func showsText(obj fyne.CanvasObject, part string) bool {
	for _, s := range labelTexts(obj) {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

func TestPickedModelIsLoaded(t *testing.T) {
	model := filepath.Join("..", "testdata", "taming-tiny", "vqgan", "checkpoints", "last.ckpt")
	s := newTestStudio(t, func(title string, exts []string, save bool) (string, error) {
		if title != "Open Model" || save || strings.Join(exts, ",") != "ckpt,safetensors" {
			t.Errorf("dialog %q %v save=%v", title, exts, save)
		}
		return model, nil
	})
	s.OpenModel()
	eventually(t, "model in the status bar", func() bool { return showsText(s.win.Content(), "VQGAN, 64 codes, f4") })
	if s.choosing.Load() {
		t.Error("still choosing after the dialog closed")
	}
}

func TestCancelledPickChangesNothing(t *testing.T) {
	answered := make(chan string, 1)
	s := newTestStudio(t, func(string, []string, bool) (string, error) { return "", native.ErrCancelled })
	s.PickFile("Open Image", []string{"png"}, false, func(p string) { answered <- p })
	select {
	case p := <-answered:
		if p != "" {
			t.Errorf("cancel answered %q", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no answer after cancel")
	}
	if top := s.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a cancelled pick opened %T", top)
	}
	eventually(t, "dialog closed", func() bool { return !s.choosing.Load() })
}

func TestBrokenNativeDialogFallsBackToFyne(t *testing.T) {
	s := newTestStudio(t, func(string, []string, bool) (string, error) { return "", errors.New("no GTK") })
	answered := make(chan string, 1)
	s.PickFile("Save Grid", []string{"json"}, true, func(p string) { answered <- p })
	eventually(t, "Fyne's dialog", func() bool { return s.win.Canvas().Overlays().Top() != nil })
	if !s.choosing.Load() {
		t.Error("Ctrl+O would open a second dialog over Fyne's")
	}
	for _, o := range test.LaidOutObjects(s.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Cancel" {
			test.Tap(b)
		}
	}
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
	s := newTestStudio(t, func(string, []string, bool) (string, error) {
		calls.Add(1)
		<-release
		return "", native.ErrCancelled
	})
	s.OpenModel()
	s.OpenModel() // while the first dialog is still open
	close(release)
	eventually(t, "dialog goroutine finished", func() bool { return !s.choosing.Load() })
	if n := calls.Load(); n != 1 {
		t.Errorf("%d dialogs opened, want 1", n)
	}
}
