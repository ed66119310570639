package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/model"
)

// sampleView is the Sample tab. (Skeleton: the view is being built.)
type sampleView struct {
	env  *Env
	body *widget.Label
}

func newSampleView(env *Env) view { return &sampleView{env: env, body: widget.NewLabel("")} }

func (v *sampleView) title() string              { return "Sample" }
func (v *sampleView) icon() fyne.Resource        { return theme.MediaPlayIcon() }
func (v *sampleView) content() fyne.CanvasObject { return v.body }
func (v *sampleView) modelChanged(m *model.Model, card *model.Card) {
	v.body.SetText("Sample: " + m.WeightsPath)
}
