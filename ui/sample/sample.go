// Package sample is the studio's Sample view: the controls of the
// model's conditioning, the sampling settings (top-k, top-p, temperature,
// seed, count), a preview while it samples and a gallery of the results.
package sample

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/pipeline"
	"tessera/engine/session"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// sampleView samples new token grids with the transformer: the model's
// conditioning, the sampling settings, a preview while it runs and a
// gallery of the results. UI goroutine only.
type sampleView struct {
	env  *view.Env
	m    *model.Model
	card *model.Card

	cond     *widgets.CondPicker
	place    *widgets.CondPlace
	settings *samplerSettings
	gallery  *widgets.Gallery
	job      *jobs.Job
	restored bool // today's history was brought back into the gallery

	preview     *canvas.Image
	previewText *widget.Label
	start       *widget.Button
	cancel      *widget.Button
	status      *widgets.StatusLine
	body        fyne.CanvasObject
}

// New makes the Sample view; it offers its settings to the other views
// (Env.SampleSettings) and takes a result's (Env.ReuseSettings).
func New(env *view.Env) view.View {
	v := &sampleView{env: env, status: widgets.NewStatusLine(), settings: newSamplerSettings()}
	v.cond = widgets.NewCondPicker(env, v.status, fyne.NewSquareSize(200))
	v.gallery = widgets.NewGallery(env, v.status)
	env.SampleSettings = v.request
	env.ReuseSettings = v.reuse
	v.build()
	return v
}

func (v *sampleView) Title() string              { return "Sample" }
func (v *sampleView) Icon() fyne.Resource        { return theme.MediaPlayIcon() }
func (v *sampleView) Content() fyne.CanvasObject { return v.body }

func (v *sampleView) build() {
	v.start = widget.NewButtonWithIcon("Sample", theme.MediaPlayIcon(), v.sample)
	v.start.Importance = widget.HighImportance
	v.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if v.job != nil {
			v.job.Cancel()
			v.status.Cancelling()
		}
	})
	v.cancel.Disable()
	v.preview = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	v.preview.SetMinSize(fyne.NewSquareSize(200))
	v.previewText = widget.NewLabel("Results appear here as they are sampled.")
	v.previewText.Wrapping = fyne.TextWrapWord

	top := container.NewBorder(nil, widget.NewSeparator(), container.NewPadded(v.preview), nil, v.previewText)
	clear := widget.NewButtonWithIcon("Clear", theme.DeleteIcon(), v.gallery.ConfirmClear)
	folder := widget.NewButtonWithIcon(outputsText, theme.FolderOpenIcon(), func() {
		if err := widgets.ShowOutputs(v.env); err != nil {
			v.status.Fail(err)
		}
	})
	history := widget.NewButtonWithIcon(historyText, theme.HistoryIcon(), func() {
		if v.env.ShowHistory != nil {
			v.env.ShowHistory()
		}
	})
	results := container.NewBorder(
		container.NewVBox(top, container.NewBorder(nil, nil, widgets.Heading("Results"), container.NewHBox(history, folder, clear))),
		nil, nil, nil, v.gallery.Content())
	// A label map or an image gets its own pane beside the results, so the
	// controls fit the default window without scrolling.
	v.place = widgets.NewCondPlace(v.cond, results)
	controls := container.NewVBox(v.place.Controls, widgets.Heading("Sampling"), v.settings.form)
	// Sample and Cancel stay in sight however long the controls are.
	run := container.NewVBox(widget.NewSeparator(), container.NewGridWithColumns(2, v.start, v.cancel), v.status.Content())
	left := container.NewBorder(nil, run, nil, nil,
		container.NewVScroll(container.NewStack(widgets.AtLeast(fyne.NewSize(300, 0)), controls)))
	split := container.NewHSplit(left, v.place.Right)
	split.Offset = 0.33
	v.body = split
}

// Primary samples, as the Sample button does (Ctrl+Enter).
func (v *sampleView) Primary() {
	if !v.start.Disabled() {
		v.sample()
	}
}

// Labels of the buttons that open the output history's browser and its
// folder.
const (
	historyText = "History"
	outputsText = "Outputs"
)

// ModelChanged follows a new model; the gallery keeps the old model's
// results, marked as such. The first model brings back today's results
// from the output history.
func (v *sampleView) ModelChanged(m *model.Model, card *model.Card) {
	if v.job != nil {
		v.job.Cancel()
		v.job = nil
		v.cancel.Disable()
		v.status.Idle()
	}
	v.gallery.SetModel(m.WeightsPath)
	v.preview.Image = nil
	v.preview.Refresh()
	v.previewText.SetText("Results appear here as they are sampled.")
	v.m, v.card = m, card
	native := card.NativeGrid
	if m.CondStage != nil {
		native *= m.CondStage.Config.Factor()
	}
	v.cond.ModelChanged(m, native, native)
	v.place.Place()
	v.settings.setVocab(card.CodebookSize)
	widgets.Enable(v.start, m.Transformer != nil)
	v.status.Info("")
	v.restore()
}

// request is the user's sampling request (also Env.SampleSettings).
func (v *sampleView) request() (pipeline.SampleRequest, error) {
	if v.m == nil {
		return pipeline.SampleRequest{}, session.ErrNoModel
	}
	opt, err := v.settings.options()
	if err != nil {
		return pipeline.SampleRequest{}, err
	}
	cond, err := v.cond.Condition()
	if err != nil {
		return pipeline.SampleRequest{Options: opt}, view.CondError{Err: err}
	}
	return pipeline.SampleRequest{Cond: cond, Options: opt}, nil
}

// sample starts a sampling job that previews the first grid as it grows.
func (v *sampleView) sample() {
	req, err := v.request()
	if err != nil {
		v.status.Fail(err)
		return
	}
	req.PreviewEvery = max(v.card.NativeGrid, 1) // a preview every row of the native grid
	req.PreviewShare = view.PreviewShare
	v.settings.seed.Used(req.Options.Seed)
	j := v.env.Session.Sample(req)
	v.job = j
	v.start.Disable()
	v.cancel.Enable()
	v.status.Starting(v.env.Session.Worker, j, fmt.Sprintf("Sampling %d with seed %d…", req.Options.Count, req.Options.Seed))
	view.Follow(v.env.Session.Worker, j, func(p jobs.Progress) {
		if j != v.job {
			return
		}
		v.status.Progress(p)
		v.previewText.SetText(p.Message) // the phase: "Sampling 12/256 tokens", "Decoding 256×256"
		if s, ok := p.Preview.(session.Sampled); ok {
			if img, ok := s.Image.(*image.NRGBA); ok {
				v.preview.Image = img
				v.preview.Refresh()
			}
		}
	}, func(res jobs.Result, err error) {
		if j != v.job {
			return
		}
		v.finished(res, err)
	})
}

// finished shows a sampling job's results; a cancelled job's partial
// results are kept and marked so.
func (v *sampleView) finished(res jobs.Result, err error) {
	v.job = nil
	v.status.Idle()
	v.start.Enable()
	v.cancel.Disable()
	out, _ := res.([]pipeline.Result)
	kept := ""
	if len(out) > 0 {
		// The preview ends on the last result decoded, as "Latest" says.
		v.preview.Image = out[len(out)-1].Image
		v.preview.Refresh()
		v.gallery.Add(out)
		kept = widgets.Keep(v.env, v.status, out...)
	}
	switch {
	case view.Cancelled(err) && len(out) > 0:
		v.status.Info(fmt.Sprintf("Cancelled after %d of %d tokens; kept %d partial result(s).%s", out[0].Drawn, out[0].Planned, len(out), kept))
	case view.Cancelled(err):
		v.status.Info("Cancelled.")
	case err != nil:
		v.status.Fail(err)
	default:
		v.status.Info(fmt.Sprintf("Sampled %d result(s).%s", len(out), kept))
	}
	if len(out) > 0 {
		v.previewText.SetText("Latest: " + widgets.Summary(out[len(out)-1].Params))
	}
}
