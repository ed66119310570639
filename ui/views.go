package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"tessera/engine/model"
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
	save()
	export()
	undo()
	redo()
}

// modelFree is implemented by a view that is useful before any model is
// loaded (the Jobs view: it shows the model being loaded). Its tab shows
// the view itself instead of the "No model loaded" empty state.
type modelFree interface{ modelFree() }

// uiMu serialises the UI updates made through Do with Sync.
var uiMu sync.Mutex

// Do applies f on the UI goroutine, as fyne.Do does; background goroutines
// use it to apply job results. Never call it from the UI goroutine itself
// (a Do'd function or a widget callback): there, just do the work.
func Do(f func()) { fyne.Do(func() { Sync(f) }) }

// Sync runs f while no Do'd function runs. Fyne's test driver runs fyne.Do
// inline on the calling goroutine, so tests (here and in package app) read
// and drive widgets inside Sync to stay race-free; the real driver runs all
// of them on its one UI goroutine, where the lock is never contended.
func Sync(f func()) {
	uiMu.Lock()
	defer uiMu.Unlock()
	f()
}

// viewTab shows a view's empty state until a model is loaded, then the
// view itself.
type viewTab struct {
	v     view
	item  *container.TabItem
	empty fyne.CanvasObject
	body  fyne.CanvasObject
}

// newViews builds the task views in tab order.
func newViews(env *Env) []view {
	return []view{
		newCodebookView(env),
		newEditorView(env),
		newSampleView(env),
		newHiResView(env),
		newJobsView(env),
	}
}

func newViewTab(v view, ctrl Controller, about string) *viewTab {
	t := &viewTab{v: v, empty: newEmptyState(v.icon(), about, ctrl), body: v.content()}
	if _, ok := v.(modelFree); ok {
		t.empty.Hide()
	} else {
		t.body.Hide()
	}
	t.item = container.NewTabItemWithIcon(v.title(), v.icon(), container.NewStack(t.empty, t.body))
	return t
}

// ready reports whether the view is shown (not its empty state).
func (t *viewTab) ready() bool { return t.body.Visible() }

// modelChanged swaps the empty state for the view and tells the view.
func (t *viewTab) modelChanged(m *model.Model, card *model.Card) {
	t.empty.Hide()
	t.body.Show()
	t.v.modelChanged(m, card)
}
