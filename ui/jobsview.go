package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/model"
)

// jobsView is the Jobs tab. (Skeleton: the view is being built.)
type jobsView struct {
	env  *Env
	body *widget.Label
}

func newJobsView(env *Env) view { return &jobsView{env: env, body: widget.NewLabel("")} }

func (v *jobsView) title() string              { return "Jobs" }
func (v *jobsView) icon() fyne.Resource        { return theme.ListIcon() }
func (v *jobsView) content() fyne.CanvasObject { return v.body }
func (v *jobsView) modelChanged(m *model.Model, card *model.Card) {
	v.body.SetText("Jobs: " + m.WeightsPath)
}
