package app

import (
	"fmt"
	"net/url"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"tessera/engine/session"
	"tessera/ui"
	"tessera/ui/view"
)

// studio is the running studio: its window and view, and the view.Controller
// the view calls.
type studio struct {
	fyne fyne.App
	win  fyne.Window
	view *ui.MainView

	// chooseFile, chooseSave and chooseFolder show the native dialogs and
	// block until they close; tests replace them.
	chooseFile   func(title string, exts []string) (string, error)
	chooseSave   func(title string, exts []string, name string) (string, error)
	chooseFolder func(title string) (string, error)
	// choosing is set while a file dialog is open, so Ctrl+O pressed again
	// does not stack a second one.
	choosing atomic.Bool
}

var _ view.Controller = (*studio)(nil)

// builtins finds the built-in models the studio offers and opens first;
// tests put the tiny fixtures in their place, since the tests must not
// depend on the models embedded in the binary.
var builtins = ui.BinaryBuiltins

func newStudio(a fyne.App, sess *session.Session, chooseFile func(string, []string) (string, error)) *studio {
	s := &studio{fyne: a, chooseFile: chooseFile, chooseSave: saveFileNatively, chooseFolder: chooseFolderNatively}
	s.win = a.NewWindow(Name)
	s.view = ui.NewMainView(s, sess)
	s.view.Install(s.win)
	s.view.SetBuiltins(builtins())
	s.win.Resize(savedWindowSize(a.Preferences()))
	// Closing during a training run asks first, and waits for its save.
	s.win.SetCloseIntercept(func() {
		s.view.ConfirmClose(func() {
			s.saveWindowSize()
			s.win.Close()
		})
	})
	return s
}

// ShowFolder opens path in the desktop's file manager.
func (s *studio) ShowFolder(path string) {
	if err := s.fyne.OpenURL(&url.URL{Scheme: "file", Path: path}); err != nil {
		dialog.ShowError(fmt.Errorf("could not show %s: %w", path, err), s.win)
	}
}

// Quit closes the studio, as closing its window does.
func (s *studio) Quit() {
	s.view.ConfirmClose(func() {
		s.saveWindowSize()
		s.fyne.Quit()
	})
}
