package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// CondPlace puts a CondPicker's controls where they fit in a view: a
// painted or chosen map is tall, so it gets a pane of its own, scrolling,
// beside the view's results; a class picker or a note sits among the
// view's other controls. The Sample and Hi-Res views share it.
type CondPlace struct {
	// Controls goes among the view's controls, Right where its results go.
	Controls, Right *fyne.Container

	cond          *CondPicker
	head          fyne.CanvasObject
	paneBox       *fyne.Container
	pane, results fyne.CanvasObject
}

// NewCondPlace places c's controls beside or above results.
func NewCondPlace(c *CondPicker, results fyne.CanvasObject) *CondPlace {
	p := &CondPlace{Controls: container.NewVBox(), Right: container.NewStack(), cond: c,
		head: Heading("Condition"), paneBox: container.NewVBox(), results: results}
	p.pane = container.NewVScroll(p.paneBox)
	p.Place()
	return p
}

// Place follows the picker's kind of condition; call it after the
// picker's ModelChanged.
func (p *CondPlace) Place() {
	cond := []fyne.CanvasObject{p.head, p.cond.Content()}
	if k := p.cond.Kind(); k == CondLabels || k == CondImage {
		p.Controls.Objects, p.paneBox.Objects = nil, cond
		p.Right.Objects = []fyne.CanvasObject{container.NewHSplit(p.pane, p.results)}
	} else {
		p.Controls.Objects, p.paneBox.Objects = cond, nil
		p.Right.Objects = []fyne.CanvasObject{p.results}
	}
	p.Controls.Refresh()
	p.paneBox.Refresh()
	p.Right.Refresh()
}
