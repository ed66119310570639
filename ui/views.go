// Package ui is the studio's window: the task views (each a package of its
// own under ui/) as tabs above a status bar, with the menu, the shortcuts,
// the recent models and the model card. It never imports package app:
// everything the views need from the studio goes through view.Controller,
// and engine work goes through a session.Session.
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"tessera/engine/model"
	"tessera/ui/codebook"
	"tessera/ui/editor"
	"tessera/ui/hires"
	jobsview "tessera/ui/jobs"
	"tessera/ui/sample"
	"tessera/ui/train"
	"tessera/ui/view"
)

// editorActions is implemented by a view that edits a document (the Editor:
// a token grid). The studio routes File > Save (Ctrl+S), File > Export
// (Ctrl+E), Edit > Undo (Ctrl+Z) and Edit > Redo (Ctrl+Shift+Z, Ctrl+Y) to
// the selected tab's view when it implements this and a model is loaded;
// for other views the menu items are disabled and the shortcuts do nothing.
// The methods are called on the UI goroutine and must return quickly: save
// and export ask for a path (Env.Ctrl.PickFile) and write in the background;
// undo and redo swap grids and submit any decoding as a job.
type editorActions interface {
	Save()
	Export()
	Undo()
	Redo()
}

// primaryAction is implemented by a view with one main action, its
// highlighted button (Sample in the Sample and Hi-Res views): Ctrl+Enter
// and View > Run run it when the view shows its content. Primary does what
// the button does, and nothing while the button is disabled.
type primaryAction interface{ Primary() }

// unsavedWork is implemented by a view whose document can hold changes not
// saved yet (the Editor). Quitting and opening another model, which
// discard them, ask first.
type unsavedWork interface{ Unsaved() bool }

// modelFree is implemented by a view that is useful before any model is
// loaded (the Jobs view: it shows the model being loaded). Its tab shows
// the view itself instead of the "No model loaded" empty state.
type modelFree interface{ ModelFree() }

// viewTab shows a view's empty state until a model is loaded, then the
// view itself.
type viewTab struct {
	v     view.View
	item  *container.TabItem
	state *emptyState
	empty fyne.CanvasObject
	body  fyne.CanvasObject
}

// newViews builds the task views in tab order.
func newViews(env *view.Env) []view.View {
	return []view.View{
		codebook.New(env),
		editor.New(env),
		sample.New(env),
		hires.New(env),
		train.New(env),
		jobsview.New(env),
	}
}

func newViewTab(v view.View, ctrl view.Controller, about string, openBuiltin func()) *viewTab {
	state := newEmptyState(v.Icon(), about, ctrl, openBuiltin)
	t := &viewTab{v: v, state: state, empty: state.box, body: v.Content()}
	if _, ok := v.(modelFree); ok {
		t.empty.Hide()
	} else {
		t.body.Hide()
	}
	// The scroll keeps a view's minimum size from growing the window (the
	// tabs' minimum is their largest view's): a window smaller than a view
	// scrolls it instead.
	t.item = container.NewTabItemWithIcon(v.Title(), v.Icon(), container.NewScroll(container.NewStack(t.empty, t.body)))
	return t
}

// ready reports whether the view is shown (not its empty state).
func (t *viewTab) ready() bool { return t.body.Visible() }

// modelChanged swaps the empty state for the view and tells the view.
func (t *viewTab) modelChanged(m *model.Model, card *model.Card) {
	t.empty.Hide()
	t.body.Show()
	t.v.ModelChanged(m, card)
}
