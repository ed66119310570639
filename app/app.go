package app

import fyneapp "fyne.io/fyne/v2/app"

// Run opens the studio and returns when its window closes. It must be called
// from the main goroutine: the windowing system lives there. The command
// line is parsed by cmd/tessera; options such as a model to open will come
// in as arguments here.
func Run() {
	fyneapp.SetMetadata(metadata())
	a := fyneapp.NewWithID(ID)
	a.SetIcon(icon())
	s := newStudio(a, chooseModelNatively)
	s.win.SetMaster()
	s.win.CenterOnScreen()
	s.win.ShowAndRun()
}
