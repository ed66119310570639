package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/model"
)

// codebookView is the Codebook tab. (Skeleton: the view is being built.)
type codebookView struct {
	env  *Env
	body *widget.Label
}

func newCodebookView(env *Env) view { return &codebookView{env: env, body: widget.NewLabel("")} }

func (v *codebookView) title() string              { return "Codebook" }
func (v *codebookView) icon() fyne.Resource        { return theme.GridIcon() }
func (v *codebookView) content() fyne.CanvasObject { return v.body }
func (v *codebookView) modelChanged(m *model.Model, card *model.Card) {
	v.body.SetText("Codebook: " + m.WeightsPath)
}
