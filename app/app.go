package app

import (
	fyneapp "fyne.io/fyne/v2/app"

	"tessera/engine/session"
)

// Run opens the studio and returns when its window closes; modelPath, if
// set, is loaded as the window opens, and otherwise the last model when the
// preference to reopen it is on. It must be called from the main
// goroutine: the windowing system lives there.
func Run(modelPath string) {
	fyneapp.SetMetadata(metadata())
	a := fyneapp.NewWithID(ID)
	a.SetIcon(icon())
	sess := session.New()
	defer sess.Close()
	s := newStudio(a, sess, chooseFileNatively)
	s.win.SetMaster()
	s.win.CenterOnScreen()
	if modelPath != "" {
		s.view.LoadModel(modelPath)
	} else {
		s.view.ReopenLastModel()
	}
	s.win.ShowAndRun()
}
