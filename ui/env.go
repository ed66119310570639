package ui

import (
	"fyne.io/fyne/v2"

	"tessera/engine/model"
	"tessera/engine/session"
)

// Env is what every view works with: the engine session (model, worker,
// operations), the studio's controller for dialogs, and the window.
type Env struct {
	Session *session.Session
	Ctrl    Controller
	Window  fyne.Window // nil until the view is installed in a window
}

// view is one task tab of the studio.
type view interface {
	// title and icon label the tab.
	title() string
	icon() fyne.Resource
	// content is the view's body once a model is loaded.
	content() fyne.CanvasObject
	// modelChanged tells the view a new model is in use (UI goroutine).
	modelChanged(m *model.Model, card *model.Card)
}
