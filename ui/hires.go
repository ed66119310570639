package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/pipeline"
)

// hiResView grows images past the model's window: a target size, the
// conditioning at that size, the sliding window's stride and tiling, a time
// estimate, a row-by-row preview and the result (partial when cancelled).
// UI goroutine only.
type hiResView struct {
	env  *Env
	m    *model.Model
	card *model.Card

	cond     *condPicker
	width    *widget.Entry
	height   *widget.Entry
	unit     *widget.RadioGroup
	sizeText *widget.Label
	stride   *widget.Select
	tile     *widget.Check
	estimate *widget.Label
	measure  *widget.Button

	settingSize bool // setSize is changing both entries

	job    *jobs.Job
	result *pipeline.Result

	preview *canvas.Image
	start   *widget.Button
	cancel  *widget.Button
	export  *widget.Button
	edit    *widget.Button
	status  *statusLine
	body    fyne.CanvasObject
}

const (
	unitTokens = "tokens"
	unitPixels = "pixels"
)

func newHiResView(env *Env) view {
	v := &hiResView{env: env, status: newStatusLine()}
	v.cond = newCondPicker(env, v.status, fyne.NewSquareSize(320))
	v.cond.onMapSize = v.mapSized
	v.build()
	v.watchCost()
	return v
}

func (v *hiResView) title() string              { return "Hi-Res" }
func (v *hiResView) icon() fyne.Resource        { return theme.ViewFullScreenIcon() }
func (v *hiResView) content() fyne.CanvasObject { return v.body }

func (v *hiResView) build() {
	v.width, v.height = widget.NewEntry(), widget.NewEntry()
	v.width.OnChanged = func(string) { v.sizeChanged() }
	v.height.OnChanged = func(string) { v.sizeChanged() }
	v.unit = widget.NewRadioGroup([]string{unitTokens, unitPixels}, v.unitChanged)
	v.unit.Horizontal = true
	v.unit.Required = true
	v.sizeText = widget.NewLabel("")
	v.stride = widget.NewSelect(nil, func(string) { v.updateEstimate() })
	v.tile = widget.NewCheck("Tile seamlessly (wraps the window; two passes)", func(bool) { v.updateEstimate() })
	v.estimate = wrapped("", widget.MediumImportance)
	v.measure = widget.NewButtonWithIcon("Measure speed", theme.HistoryIcon(), func() { v.calibrate(nil) })

	v.start = widget.NewButtonWithIcon("Sample", theme.MediaPlayIcon(), v.begin)
	v.start.Importance = widget.HighImportance
	v.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if v.job != nil {
			v.job.Cancel()
		}
	})
	v.export = widget.NewButtonWithIcon("Export PNG…", theme.FileImageIcon(), v.exportResult)
	v.edit = widget.NewButtonWithIcon("Open in Editor", theme.DocumentCreateIcon(), v.sendToEditor)
	v.preview = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	v.preview.SetMinSize(fyne.NewSquareSize(256))

	heading := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	size := container.NewBorder(nil, nil, nil, v.unit, container.NewGridWithColumns(3, v.width, widget.NewLabelWithStyle("×", fyne.TextAlignCenter, fyne.TextStyle{}), v.height))
	controls := container.NewVBox(
		heading("Size"), size, v.sizeText,
		heading("Window"),
		widget.NewForm(widget.NewFormItem("Stride", v.stride)), v.tile,
		wrapped("Top-k, top-p, temperature and seed come from the Sample view.", widget.LowImportance),
		heading("Time"), v.estimate, v.measure,
		container.NewGridWithColumns(2, v.start, v.cancel),
		v.status.box,
	)
	left := container.NewVScroll(container.NewStack(atLeast(fyne.NewSize(320, 0)), controls))
	condBox := container.NewVScroll(container.NewVBox(heading("Condition"), v.cond.box))
	result := container.NewBorder(nil, container.NewHBox(v.export, v.edit), nil, nil, v.preview)
	v.body = container.NewHSplit(left, container.NewHSplit(condBox, result))
	v.refreshButtons()
}

func (v *hiResView) modelChanged(m *model.Model, card *model.Card) {
	if v.job != nil {
		v.job.Cancel()
		v.job = nil
	}
	v.m, v.card, v.result = m, card, nil
	v.preview.Image = nil
	v.preview.Refresh()
	win := max(card.Window, 1)
	strides := []string{"1 (as published)"}
	for s := 2; s <= win/2; s *= 2 {
		strides = append(strides, itoa(s))
	}
	v.stride.Options = strides
	v.stride.SetSelectedIndex(0)
	v.cond.modelChanged(m, 2*win*v.condFactor(), 2*win*v.condFactor())
	v.unit.SetSelected(unitTokens)
	v.setSize(2*win, 2*win)
	v.status.info("")
	v.refreshButtons()
}

// refreshButtons enables what makes sense now.
func (v *hiResView) refreshButtons() {
	running := v.job != nil
	canSample := v.m != nil && v.m.Transformer != nil
	enable(v.start, canSample && !running)
	enable(v.measure, canSample && !running)
	enable(v.cancel, running)
	enable(v.export, v.result != nil && !running)
	enable(v.edit, v.result != nil && !running)
}
