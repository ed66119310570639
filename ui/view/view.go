package view

import (
	"image"

	"fyne.io/fyne/v2"

	"tessera/engine/model"
	"tessera/engine/outputs"
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
	// Outputs is the output history every result is written to; nil
	// (in most tests) keeps none.
	Outputs *outputs.Folder

	// The views offer each other these (set by the view that owns the
	// data, called on the UI goroutine; nil until that view exists).

	// CurrentGrid is the Editor's token grid, false when it has none.
	CurrentGrid func() (tokens.Grid, bool)
	// SendToEditor opens a grid, its image and parameters in the Editor.
	SendToEditor func(g tokens.Grid, img image.Image, params map[string]any)
	// SampleSettings is the Sample view's request (condition, filters,
	// seed), or why it cannot make one. A missing or wrong condition comes
	// as a CondError, with the request's options still filled in.
	SampleSettings func() (pipeline.SampleRequest, error)
	// ReuseSettings makes a result's seed, filters and class (its
	// parameters) the Sample view's settings and shows that view.
	ReuseSettings func(params map[string]any)
	// ShowHistory opens the output history's browser (set by the main
	// view; nil when the studio keeps no history).
	ShowHistory func()
	// Show brings the view with the given title to the front (set by the
	// main view).
	Show func(title string)
	// LoadModel opens a model as File > Open Model does (set by the main
	// view).
	LoadModel func(path string)

	cond *CondShare // see Cond
}

// View is one task tab of the studio.
type View interface {
	// Title and Icon label the tab.
	Title() string
	Icon() fyne.Resource
	// Content is the view's body once a model is loaded.
	Content() fyne.CanvasObject
	// ModelChanged tells the view a new model is in use (UI goroutine).
	ModelChanged(m *model.Model, card *model.Card)
}

// CondError is a sampling request's missing or wrong condition; the
// request still carries the sampling options.
type CondError struct{ Err error }

func (e CondError) Error() string { return e.Err.Error() }
func (e CondError) Unwrap() error { return e.Err }

// PreviewShare is the share of a sampling run the studio lets previews
// take: on large grids a decode can cost more than sampling the row it
// shows.
const PreviewShare = 0.2
