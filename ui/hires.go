package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/model"
)

// hiResView is the Hi-Res tab. (Skeleton: the view is being built.)
type hiResView struct {
	env  *Env
	body *widget.Label
}

func newHiResView(env *Env) view { return &hiResView{env: env, body: widget.NewLabel("")} }

func (v *hiResView) title() string              { return "Hi-Res" }
func (v *hiResView) icon() fyne.Resource        { return theme.ViewFullScreenIcon() }
func (v *hiResView) content() fyne.CanvasObject { return v.body }
func (v *hiResView) modelChanged(m *model.Model, card *model.Card) {
	v.body.SetText("Hi-Res: " + m.WeightsPath)
}
