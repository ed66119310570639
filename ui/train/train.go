// Package train is the studio's Train view: a new VQGAN from a size
// preset, a fine-tune of the loaded model's first stage or a transformer
// over it, trained on a folder of the user's images on the session's
// training worker. Setup (what, data, output, steps, the advanced flags of
// tessera train), Start, Stop (which saves) and Resume (which continues
// exactly), live loss and codebook curves, the progress pictures with back
// and forward, then Open in studio and Export for taming.
package train

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/data"
	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/session"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// What the view trains, as the kind choice names it.
const (
	kindPreset      = "New VQGAN from a preset"
	kindFineTune    = "Fine-tune the loaded first stage"
	kindTransformer = "Transformer over the loaded first stage"
)

// Conditions of a transformer, as the choice names them.
const (
	condNone    = "None"
	condClasses = "Class folders"
	condLabels  = "Label maps"
)

// watchEvery is how often a run's new reports are drawn at most.
const watchEvery = 250 * time.Millisecond

// trainView is the Train tab. Its fields are used on the UI goroutine only.
type trainView struct {
	env  *view.Env
	m    *model.Model
	card *model.Card

	// Setup.
	kind                  *widget.RadioGroup
	kindSlot              *fyne.Container
	presets               *presetList
	fineText              *widget.Label
	gptBox                fyne.CanvasObject
	gptNote               *widget.Label
	gpt                   *widget.Select
	cond                  *widget.RadioGroup
	labelRow              fyne.CanvasObject
	labels                *widget.Entry
	condStage             *widget.Entry
	data                  *widget.Entry
	chooseData, chooseOut *widget.Button
	dataInfo              *widget.Label
	thumbs                *fyne.Container
	scanGen               int       // counts scans; an older one's result is dropped
	scanned               *data.Set // the last good scan of the data folder, or nil
	scanDelay             *time.Timer
	out                   *widget.Entry
	steps                 *widget.Entry
	batch                 *widget.Entry
	adv                   *advanced

	// Run.
	start, stop, resume *widget.Button
	why                 *widget.Label // why Start cannot start
	status              *widgets.StatusLine
	run                 *session.Run
	begun               string      // the status while a run starts
	measures            []*jobs.Job // preset timings still to come
	probeGen            int         // counts output folder changes

	// Watch.
	progress     *widget.ProgressBar
	progressText *widget.Label
	// head holds the progress above the plots; showing the bar changes its
	// height, which Fyne only lays out when asked.
	head, right *fyne.Container
	curves      *curves
	losses      *widgets.Plot
	codes       *widgets.Plot
	logScale    *widget.Check
	smooth      *widget.Slider
	pictures    *pictures

	// Finish.
	open, export *widget.Button

	body fyne.CanvasObject
}

// New makes the Train view. It works without a model (a preset trains from
// scratch); fine-tuning and transformers use the loaded model.
func New(env *view.Env) view.View {
	v := &trainView{env: env, status: widgets.NewStatusLine(), curves: newCurves()}
	v.build()
	v.showKind()
	return v
}

func (v *trainView) Title() string              { return "Train" }
func (v *trainView) Icon() fyne.Resource        { return theme.MediaRecordIcon() }
func (v *trainView) Content() fyne.CanvasObject { return v.body }

// ModelFree: a preset trains without a loaded model.
func (v *trainView) ModelFree() {}

// ModelChanged offers the new model for fine-tuning and as a transformer's
// first stage; a run going on is not touched.
func (v *trainView) ModelChanged(m *model.Model, card *model.Card) {
	v.m, v.card = m, card
	if m.CondStage != nil && m.Spec.Cond != nil && m.Spec.Cond.Labels > 1 {
		v.condStage.SetText(m.WeightsPath)
	}
	v.showKind()
	v.refresh()
}

func (v *trainView) build() {
	v.buildSetup()
	v.start = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), v.startRun)
	v.start.Importance = widget.HighImportance
	v.stop = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), v.stopRun)
	v.resume = widget.NewButtonWithIcon("Resume", theme.MediaFastForwardIcon(), v.resumeRun)
	v.why = widgets.Wrapped("", widget.WarningImportance)
	run := container.NewVBox(widget.NewSeparator(), v.why, container.NewGridWithColumns(3, v.start, v.stop, v.resume))
	left := container.NewBorder(nil, run, nil, nil,
		container.NewVScroll(container.NewStack(widgets.AtLeast(fyne.NewSize(360, 0)), v.setupBox())))

	v.progress = widget.NewProgressBar()
	v.progress.Hide() // until a run starts
	v.progressText = widget.NewLabel("No run yet: set one up and press Start.")
	v.progressText.Truncation = fyne.TextTruncateEllipsis
	v.losses = widgets.NewPlot("The losses appear here, step by step.")
	v.codes = widgets.NewPlot("Codebook use and perplexity appear here.")
	v.codes.SetFormats(widgets.Percent, widgets.Number)
	v.logScale = widget.NewCheck("Log scale", func(on bool) { v.losses.SetLogScale(on) })
	smoothText := widget.NewLabel("Smoothing 0.60")
	v.smooth = widget.NewSlider(0, 0.99)
	v.smooth.Step = 0.01
	v.smooth.OnChanged = func(w float64) {
		smoothText.SetText("Smoothing " + twoDigits(w))
		v.losses.SetSmoothing(w)
		v.codes.SetSmoothing(w)
	}
	v.smooth.SetValue(0.6)
	controls := container.NewBorder(nil, nil, container.NewHBox(v.logScale, smoothText), nil, v.smooth)
	codesTitle := widgets.Heading("Codebook: use of the last 50 steps' codes, and perplexity")
	codesTitle.Truncation = fyne.TextTruncateEllipsis
	plots := container.NewVSplit(
		container.NewBorder(widgets.Heading("Losses"), nil, nil, nil, v.losses),
		container.NewBorder(codesTitle, nil, nil, nil, v.codes))
	plots.Offset = 0.62

	v.pictures = newPictures()
	v.open = widget.NewButtonWithIcon("Open in studio", theme.FolderOpenIcon(), v.openResult)
	v.export = widget.NewButtonWithIcon("Export for taming…", theme.DocumentSaveIcon(), v.exportResult)
	finish := container.NewHBox(widgets.Heading("Finish"), v.open, v.export)

	centre := container.NewHSplit(plots, v.pictures.box)
	centre.Offset = 0.55
	v.head = container.NewVBox(v.progressText, v.progress, v.status.Content(), controls)
	v.right = container.NewBorder(v.head, finish, nil, nil, centre)
	// In a small window the plots and pictures scroll, and Start, Stop and
	// Resume stay in sight.
	split := container.NewHSplit(left, container.NewScroll(v.right))
	split.Offset = 0.36
	v.body = split
}

// refresh enables what makes sense now and says why Start cannot start.
func (v *trainView) refresh() {
	if v.body == nil {
		return // still building
	}
	running := v.running()
	held := v.heldRun()
	_, err := v.options()
	if err == nil && held != "" {
		err = errHeld
	}
	widgets.Enable(v.start, err == nil && !running)
	widgets.Enable(v.stop, running && v.run.Job.State() == jobs.Running)
	widgets.Enable(v.resume, held != "" && !running)
	done := !running && held != ""
	widgets.Enable(v.open, done)
	widgets.Enable(v.export, done)
	why, imp := "", widget.WarningImportance
	switch {
	case running:
	case held != "":
		why, imp = held, widget.MediumImportance // a run to continue, not a fault
	case err != nil:
		why = err.Error()
	}
	v.why.Importance = imp
	v.why.SetText(why)
	v.why.Hidden = why == ""
	v.presets.enable(!running)
}

// running tells whether the view's run is queued or running.
func (v *trainView) running() bool { return v.run != nil && !v.run.Job.State().Finished() }
