package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"tessera/engine/model"
)

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
	t.body.Hide()
	t.item = container.NewTabItemWithIcon(v.title(), v.icon(), container.NewStack(t.empty, t.body))
	return t
}

// modelChanged swaps the empty state for the view and tells the view.
func (t *viewTab) modelChanged(m *model.Model, card *model.Card) {
	t.empty.Hide()
	t.body.Show()
	t.v.modelChanged(m, card)
}
