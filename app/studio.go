package app

import (
	"sync/atomic"

	"fyne.io/fyne/v2"

	"tessera/engine/session"
	"tessera/ui"
)

// windowSize is the studio's size when it opens.
var windowSize = fyne.NewSize(1100, 720)

// studio is the running studio: its window and view, and the ui.Controller
// the view calls.
type studio struct {
	fyne fyne.App
	win  fyne.Window
	view *ui.MainView

	// chooseFile shows the native file dialog and blocks until it closes;
	// tests replace it.
	chooseFile func(title string, exts []string, save bool) (string, error)
	// choosing is set while a file dialog is open, so Ctrl+O pressed again
	// does not stack a second one.
	choosing atomic.Bool
}

var _ ui.Controller = (*studio)(nil)

func newStudio(a fyne.App, sess *session.Session, chooseFile func(string, []string, bool) (string, error)) *studio {
	s := &studio{fyne: a, chooseFile: chooseFile}
	s.win = a.NewWindow(Name)
	s.view = ui.NewMainView(s, sess)
	s.view.Install(s.win)
	s.win.Resize(windowSize)
	return s
}

// Quit closes the studio.
func (s *studio) Quit() { s.fyne.Quit() }
