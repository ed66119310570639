package ui

import (
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
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

	job      *jobs.Job
	result   *pipeline.Result
	perInput time.Duration // the last run's time per transformer input; 0 before one

	// A painted or chosen map gets a pane of its own beside the result;
	// a class picker fits among the controls.
	condSlot    *fyne.Container
	rightSlot   *fyne.Container
	condPaneBox *fyne.Container
	condPane    fyne.CanvasObject
	condHead    *widget.Label
	resultPane  fyne.CanvasObject

	preview *canvas.Image
	hint    *widget.Label // where the image will be, until there is one
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
	v.cond = newCondPicker(env, v.status, fyne.NewSquareSize(256))
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
	v.tile = widget.NewCheck("Tile seamlessly (two passes)", func(bool) { v.updateEstimate() })
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
	v.preview.SetMinSize(fyne.NewSquareSize(200))

	heading := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	size := container.NewVBox(
		widget.NewForm(widget.NewFormItem("Width", v.width), widget.NewFormItem("Height", v.height)),
		v.unit)
	note := widget.NewLabelWithStyle("Top-k, top-p, temperature and seed come from the Sample view.", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	note.Wrapping = fyne.TextWrapWord
	v.condSlot = container.NewVBox()
	controls := container.NewVBox(
		heading("Size"), size, v.sizeText,
		v.condSlot,
		heading("Window"),
		widget.NewForm(widget.NewFormItem("Stride", v.stride)), v.tile, note,
		heading("Time"), v.estimate, v.measure,
	)
	// Sample and Cancel stay in sight however long the controls are.
	run := container.NewVBox(widget.NewSeparator(), container.NewGridWithColumns(2, v.start, v.cancel), v.status.box)
	left := container.NewBorder(nil, run, nil, nil,
		container.NewVScroll(container.NewStack(atLeast(fyne.NewSize(290, 0)), controls)))
	v.condHead = heading("Condition")
	v.condPaneBox = container.NewVBox()
	v.condPane = container.NewVScroll(v.condPaneBox)
	v.hint = widget.NewLabelWithStyle("The image appears here row by row as it is sampled.", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	v.hint.Wrapping = fyne.TextWrapWord
	v.resultPane = container.NewBorder(nil, container.NewHBox(v.export, v.edit), nil, nil,
		container.NewStack(container.NewVBox(layout.NewSpacer(), v.hint, layout.NewSpacer()), v.preview))
	v.rightSlot = container.NewStack()
	split := container.NewHSplit(left, v.rightSlot)
	split.Offset = 0.3
	v.body = split
	v.refreshButtons()
}

func (v *hiResView) modelChanged(m *model.Model, card *model.Card) {
	if v.job != nil {
		v.job.Cancel()
		v.job = nil
	}
	v.m, v.card, v.result, v.perInput = m, card, nil, 0
	v.showImage(nil)
	win := max(card.Window, 1)
	strides := []string{"1 (as published)"}
	for s := 2; s <= win/2; s *= 2 {
		strides = append(strides, itoa(s))
	}
	v.stride.Options = strides
	v.stride.SetSelectedIndex(0)
	v.cond.modelChanged(m, 2*win*v.condFactor(), 2*win*v.condFactor())
	v.placeCondition()
	v.unit.SetSelected(unitTokens)
	v.setSize(2*win, 2*win)
	v.status.info("")
	v.refreshButtons()
}

// showImage shows the image sampled so far, or the hint without one.
func (v *hiResView) showImage(img image.Image) {
	v.preview.Image = img
	v.preview.Refresh()
	v.hint.Hidden = img != nil
	v.hint.Refresh()
}

// placeCondition puts the condition's controls where they fit.
func (v *hiResView) placeCondition() {
	cond := []fyne.CanvasObject{v.condHead, v.cond.box}
	if k := v.cond.kind; k == condLabels || k == condImage {
		v.condSlot.Objects, v.condPaneBox.Objects = nil, cond
		v.rightSlot.Objects = []fyne.CanvasObject{container.NewHSplit(v.condPane, v.resultPane)}
	} else {
		v.condSlot.Objects, v.condPaneBox.Objects = cond, nil
		v.rightSlot.Objects = []fyne.CanvasObject{v.resultPane}
	}
	v.condSlot.Refresh()
	v.condPaneBox.Refresh()
	v.rightSlot.Refresh()
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
