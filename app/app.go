package app

import (
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"tessera/engine/jobs"
	"tessera/engine/outputs"
	"tessera/engine/session"
	"tessera/ui"
)

// Run opens the studio and returns when its window closes; modelPath, if
// set, is loaded as the window opens, and otherwise the last model when the
// preference to reopen it is on, and otherwise the built-in landscape model
// when the binary has it; tab, if set, is the title of the view shown
// first. It must be called from the main goroutine: the windowing
// system lives there. It returns an error, rather than the windowing
// library's panic, when no window can be opened.
func Run(modelPath, tab string) error {
	if err := checkDisplay(); err != nil {
		return err
	}
	fyneapp.SetMetadata(metadata())
	a := fyneapp.NewWithID(ID)
	a.SetIcon(icon())
	sess := session.New()
	defer sess.Close()
	s, err := openStudio(a, sess)
	if err != nil {
		return err
	}
	s.win.SetMaster()
	s.win.CenterOnScreen()
	if tab != "" && !s.view.Show(tab) {
		return fmt.Errorf("app: no view %q (the views: %s)", tab, strings.Join(s.view.Titles(), ", "))
	}
	s.openFirstModel(modelPath)
	s.win.ShowAndRun()
	return nil
}

// openFirstModel loads the model the studio starts with: path if given,
// else the last model if the preference to reopen it is on, else the
// built-in landscape model if there is one. It returns the job, or nil when
// there is nothing to load.
func (s *studio) openFirstModel(path string) *jobs.Job {
	if path != "" {
		return s.view.LoadModel(path)
	}
	if j := s.view.ReopenLastModel(); j != nil {
		return j
	}
	return s.view.OpenDefaultModel()
}

// openStudio creates the window. GLFW panics when the display named by
// DISPLAY cannot be reached; that becomes an error naming the display.
func openStudio(a fyne.App, sess *session.Session) (s *studio, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot open a window on display %q: %v", os.Getenv("DISPLAY"), r)
		}
	}()
	s = newStudio(a, sess, chooseFileNatively)
	keepOutputs(s.view)
	return s, nil
}

// keepOutputs gives the studio its output history (outputs.DefaultRoot).
// Tests leave it out, so they never write into the user's home.
func keepOutputs(v *ui.MainView) {
	root, err := outputs.DefaultRoot()
	if err != nil {
		fyne.LogError("results are not kept", err)
		return
	}
	v.SetOutputs(root)
}
