// Package hires is the studio's Hi-Res view: images grown past the
// model's window with the sliding window, at a target size in tokens or
// pixels, with the condition painted at full size, a time estimate, a
// preview row by row, cancel and export.
package hires

import (
	"image"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/pipeline"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// hiResView grows images past the model's window: a target size, the
// conditioning at that size, the sliding window's stride and tiling, a time
// estimate, a row-by-row preview and the result (partial when cancelled).
// UI goroutine only.
type hiResView struct {
	env  *view.Env
	m    *model.Model
	card *model.Card

	cond     *widgets.CondPicker
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

	// A painted or chosen map gets a pane of its own beside the result;
	// a class picker fits among the controls.
	place *widgets.CondPlace

	preview *canvas.Image
	hint    *widget.Label // where the image will be, until there is one
	start   *widget.Button
	cancel  *widget.Button
	export  *widget.Button
	edit    *widget.Button
	status  *widgets.StatusLine
	body    fyne.CanvasObject
}

const (
	unitTokens = "tokens"
	unitPixels = "pixels"
)

// New makes the Hi-Res view.
func New(env *view.Env) view.View {
	v := &hiResView{env: env, status: widgets.NewStatusLine()}
	v.cond = widgets.NewCondPicker(env, v.status, fyne.NewSquareSize(256))
	v.cond.OnMapSize = v.mapSized
	v.build()
	v.watchCost()
	return v
}

func (v *hiResView) Title() string              { return "Hi-Res" }
func (v *hiResView) Icon() fyne.Resource        { return theme.ViewFullScreenIcon() }
func (v *hiResView) Content() fyne.CanvasObject { return v.body }

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
	v.estimate = widgets.Wrapped("", widget.MediumImportance)
	v.measure = widget.NewButtonWithIcon("Measure speed", theme.HistoryIcon(), func() { v.calibrate(nil) })

	v.start = widget.NewButtonWithIcon("Sample", theme.MediaPlayIcon(), v.begin)
	v.start.Importance = widget.HighImportance
	v.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if v.job != nil {
			v.job.Cancel()
			v.status.Cancelling()
		}
	})
	v.export = widget.NewButtonWithIcon("Export PNG…", theme.FileImageIcon(), v.exportResult)
	v.edit = widget.NewButtonWithIcon("Open in Editor", theme.DocumentCreateIcon(), v.sendToEditor)
	v.preview = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	v.preview.SetMinSize(fyne.NewSquareSize(200))

	size := container.NewVBox(
		widget.NewForm(widget.NewFormItem("Width", v.width), widget.NewFormItem("Height", v.height)),
		v.unit)
	note := widget.NewLabelWithStyle("Top-k, top-p, temperature and seed come from the Sample view.", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	note.Wrapping = fyne.TextWrapWord
	v.hint = widget.NewLabelWithStyle("The image appears here row by row as it is sampled.", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	v.hint.Wrapping = fyne.TextWrapWord
	v.place = widgets.NewCondPlace(v.cond, container.NewBorder(nil, container.NewHBox(v.export, v.edit), nil, nil,
		container.NewStack(container.NewVBox(layout.NewSpacer(), v.hint, layout.NewSpacer()), v.preview)))
	controls := container.NewVBox(
		widgets.Heading("Size"), size, v.sizeText,
		v.place.Controls,
		widgets.Heading("Window"),
		widget.NewForm(widget.NewFormItem("Stride", v.stride)), v.tile, note,
		widgets.Heading("Time"), v.estimate, v.measure,
	)
	// Sample and Cancel stay in sight however long the controls are.
	run := container.NewVBox(widget.NewSeparator(), container.NewGridWithColumns(2, v.start, v.cancel), v.status.Content())
	left := container.NewBorder(nil, run, nil, nil,
		container.NewVScroll(container.NewStack(widgets.AtLeast(fyne.NewSize(290, 0)), controls)))
	// A painted condition beside the result may be wider than a small
	// window: it scrolls, and the controls and Sample stay in sight.
	split := container.NewHSplit(left, container.NewScroll(v.place.Right))
	split.Offset = 0.3
	v.body = split
	v.refreshButtons()
}

func (v *hiResView) ModelChanged(m *model.Model, card *model.Card) {
	if v.job != nil {
		v.job.Cancel()
		v.job = nil
	}
	v.m, v.card, v.result = m, card, nil
	v.showImage(nil)
	win := max(card.Window, 1)
	strides := []string{"1 (as published)"}
	for s := 2; s <= win/2; s *= 2 {
		strides = append(strides, strconv.Itoa(s))
	}
	v.stride.Options = strides
	v.stride.SetSelectedIndex(0)
	v.cond.ModelChanged(m, 2*win*v.condFactor(), 2*win*v.condFactor())
	v.place.Place()
	v.unit.SetSelected(unitTokens)
	v.setSize(2*win, 2*win)
	v.status.Info("")
	v.refreshButtons()
}

// Primary starts sampling, as the Sample button does (Ctrl+Enter).
func (v *hiResView) Primary() {
	if !v.start.Disabled() {
		v.begin()
	}
}

// showImage shows the image sampled so far, or the hint without one.
func (v *hiResView) showImage(img image.Image) {
	v.preview.Image = img
	v.preview.Refresh()
	v.hint.Hidden = img != nil
	v.hint.Refresh()
}

// refreshButtons enables what makes sense now.
func (v *hiResView) refreshButtons() {
	running := v.job != nil
	canSample := v.m != nil && v.m.Transformer != nil
	widgets.Enable(v.start, canSample && !running)
	widgets.Enable(v.measure, canSample && !running)
	widgets.Enable(v.cancel, running)
	widgets.Enable(v.export, v.result != nil && !running)
	widgets.Enable(v.edit, v.result != nil && !running)
}
