package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/model"
)

// editorView is the Editor tab. (Skeleton: the view is being built.)
type editorView struct {
	env  *Env
	body *widget.Label
}

func newEditorView(env *Env) view { return &editorView{env: env, body: widget.NewLabel("")} }

func (v *editorView) title() string              { return "Editor" }
func (v *editorView) icon() fyne.Resource        { return theme.DocumentCreateIcon() }
func (v *editorView) content() fyne.CanvasObject { return v.body }
func (v *editorView) modelChanged(m *model.Model, card *model.Card) {
	v.body.SetText("Editor: " + m.WeightsPath)
}
