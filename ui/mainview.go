package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// MainView is the studio window's content: the task views as tabs above a
// status bar, plus the menu and shortcuts that go with them.
type MainView struct {
	ctrl    Controller
	tabs    *container.AppTabs
	status  *statusBar
	content fyne.CanvasObject
}

// NewMainView builds the studio's content around ctrl. It needs a Fyne app
// (a real one or fyne.io/fyne/v2/test's) but no window.
func NewMainView(ctrl Controller) *MainView {
	v := &MainView{ctrl: ctrl, tabs: newViewTabs(ctrl), status: newStatusBar()}
	v.content = container.NewBorder(nil, v.status.box, nil, nil, v.tabs)
	return v
}

// Content is the object to put in a window.
func (v *MainView) Content() fyne.CanvasObject { return v.content }

// Install puts the view, its menu and its shortcuts into w.
func (v *MainView) Install(w fyne.Window) {
	w.SetContent(v.content)
	w.SetMainMenu(newMainMenu(v.ctrl))
	// Menu shortcuts only fire by themselves on macOS; elsewhere the canvas
	// has to know them.
	w.Canvas().AddShortcut(openModelShortcut, func(fyne.Shortcut) { v.ctrl.OpenModel() })
}

// ShowSelectedModel reports a model file the user picked. Call it on the UI
// goroutine (fyne.Do from elsewhere).
func (v *MainView) ShowSelectedModel(path string) {
	v.status.model.SetText("Selected: " + path)
}
