package app

import (
	"errors"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tessera/ui/view"
)

func TestSaveFileSuggestsTheName(t *testing.T) {
	s := newTestStudio(t, nil)
	s.chooseSave = func(title string, exts []string, name string) (string, error) {
		if name != "vqgan-seed7-32x32.png" {
			t.Errorf("native save dialog suggests %q", name)
		}
		return "/tmp/chosen.png", nil
	}
	answered := make(chan string, 1)
	view.Sync(func() {
		s.SaveFile("Export", []string{"png"}, "vqgan-seed7-32x32.png", func(p string) { answered <- p })
	})
	if p := <-answered; p != "/tmp/chosen.png" {
		t.Errorf("save dialog answered %q", p)
	}
}

func TestFyneSaveDialogSuggestsTheName(t *testing.T) {
	s := newTestStudio(t, nil)
	s.chooseSave = func(string, []string, string) (string, error) { return "", errors.New("no GTK") }
	answered := make(chan string, 1)
	view.Sync(func() {
		s.SaveFile("Export", []string{"png"}, "vqgan-seed7-32x32.png", func(p string) { answered <- p })
	})
	eventually(t, "Fyne's dialog", func() bool { return s.win.Canvas().Overlays().Top() != nil })
	eventually(t, "the suggested name in its entry", func() bool {
		for _, o := range test.LaidOutObjects(s.win.Canvas().Overlays().Top()) {
			if e, ok := o.(*widget.Entry); ok && e.Text == "vqgan-seed7-32x32.png" {
				return true
			}
		}
		return false
	})
	tapCancel(s)
	if p := <-answered; p != "" {
		t.Errorf("cancelled Fyne dialog answered %q", p)
	}
}
