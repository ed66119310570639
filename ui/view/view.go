package ui

import (
	"image"

	"fyne.io/fyne/v2"

	"tessera/engine/model"
	"tessera/engine/pipeline"
	"tessera/engine/session"
	"tessera/engine/tokens"
)

// Env is what every view works with: the engine session (model, worker,
// operations), the studio's controller for dialogs, and the window.
type Env struct {
	Session *session.Session
	Ctrl    Controller
	Window  fyne.Window // nil until the view is installed in a window

	// The views offer each other these (set by the view that owns the
	// data, called on the UI goroutine; nil until that view exists).

	// CurrentGrid is the Editor's token grid, false when it has none.
	CurrentGrid func() (tokens.Grid, bool)
	// SendToEditor opens a grid, its image and parameters in the Editor.
	SendToEditor func(g tokens.Grid, img image.Image, params map[string]any)
	// SampleSettings is the Sample view's request (condition, filters,
	// seed), or why it cannot make one.
	SampleSettings func() (pipeline.SampleRequest, error)
	// Show brings the view with the given title to the front (set by
	// MainView).
	Show func(title string)
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
