package ui

import (
	"fmt"
	"runtime"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/engine/nn/blas"
	"tessera/ui/widgets"
)

// statusBar sits under the views: the model in use on the left (click it
// for the model card), the running jobs (the studio's, and a training run)
// and the compute device on the right (click a job for the Jobs view).
type statusBar struct {
	model           *linkLabel
	studio, trainer *jobSlot
	device          *widget.Label
	box             fyne.CanvasObject
}

func newStatusBar(onModel, onJob func()) *statusBar {
	s := &statusBar{
		model:   newLinkLabel("No model loaded", onModel),
		studio:  newJobSlot(onJob, cancelJobText),
		trainer: newJobSlot(onJob, stopRunText),
		device:  widget.NewLabel(cpuDevice(runtime.GOMAXPROCS(0)) + " · " + productsName(blas.Name(), blas.Kernels())),
	}
	// Long paths and job names are cut, not allowed to widen the window.
	s.model.label.Truncation = fyne.TextTruncateEllipsis
	s.device.Truncation = fyne.TextTruncateEllipsis
	// The jobs' texts are shown whole first, then the device's.
	row := squeezeRow{grow: []growing{{2, s.studio.want}, {1, s.trainer.want}, {4, func() float32 { return wholeWidth(s.device.Text) }}}}
	s.box = container.NewVBox(widget.NewSeparator(),
		container.New(row, s.model, s.trainer.box, s.studio.box, widget.NewSeparator(), s.device))
	return s
}

// Labels of the status bar's stop buttons: a training run saves a
// checkpoint when stopped, as the Train view's Stop does.
const (
	cancelJobText = "Cancel"
	stopRunText   = "Stop"
)

// jobSlot shows the job running on one worker: its name, progress and time
// left, a bar and a button that cancels it.
type jobSlot struct {
	text   *linkLabel
	bar    *widget.ProgressBar
	cancel *widget.Button
	job    *jobs.Job       // the job shown, nil when hidden
	end    *fyne.Container // the bar and the button
	box    *fyne.Container
}

func newJobSlot(onTap func(), cancelText string) *jobSlot {
	j := &jobSlot{text: newLinkLabel("", onTap), bar: widget.NewProgressBar()}
	j.bar.TextFormatter = func() string { return "" }
	j.cancel = widget.NewButtonWithIcon(cancelText, theme.CancelIcon(), func() {
		if j.job != nil {
			j.job.Cancel()
		}
	})
	j.cancel.Importance = widget.LowImportance
	j.text.label.Truncation = fyne.TextTruncateEllipsis
	j.end = container.NewHBox(container.NewCenter(container.NewGridWrap(fyne.NewSize(80, j.bar.MinSize().Height), j.bar)), j.cancel)
	j.box = container.NewBorder(nil, nil, nil, j.end, j.text)
	j.box.Hide()
	return j
}

// want is the slot's width with its text shown whole.
func (s *jobSlot) want() float32 {
	return wholeWidth(s.text.Text()) + theme.Padding() + s.end.MinSize().Width
}

// show shows the running job, or hides the slot when there is none.
// queued is how many jobs wait behind it.
func (s *jobSlot) show(j *jobs.Job, queued int) {
	s.job = j
	if j == nil {
		s.box.Hide()
		return
	}
	p := j.Progress()
	text := j.Name
	if p.Total > 0 {
		text += fmt.Sprintf(" %d%%", int(p.Fraction()*100))
	}
	if left, ok := j.ETA(); ok && left > 0 { // between sparse reports the estimate runs down to 0
		text += " · " + widgets.Clock(left) + " left"
	}
	if queued > 0 {
		text += fmt.Sprintf(" (+%d queued)", queued)
	}
	s.text.SetText(text)
	s.bar.SetValue(p.Fraction())
	s.box.Show()
}

// cpuDevice names the CPU backend by the threads Go will run it on.
func cpuDevice(threads int) string {
	if threads == 1 {
		return "CPU · 1 thread"
	}
	return fmt.Sprintf("CPU · %d threads", threads)
}

// productsName names what runs the products: the engine's own kernels
// where they replace the library (kernels), else the library, shortened.
func productsName(full, kernels string) string {
	if kernels != "" {
		return kernels
	}
	return blasName(full)
}

// blasName shortens the BLAS library's self-description to its name and
// version: "OpenBLAS OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH …" reads as
// "OpenBLAS 0.3.21".
func blasName(full string) string {
	var out []string
	for _, f := range strings.Fields(full) {
		if len(out) > 0 && out[len(out)-1] == f {
			continue
		}
		out = append(out, f)
		if unicode.IsDigit(rune(f[0])) {
			break
		}
	}
	return strings.Join(out, " ")
}

// linkLabel is a label that does something when clicked.
type linkLabel struct {
	widget.BaseWidget
	label *widget.Label
	onTap func()
}

func newLinkLabel(text string, onTap func()) *linkLabel {
	l := &linkLabel{label: widget.NewLabel(text), onTap: onTap}
	l.ExtendBaseWidget(l)
	return l
}

func (l *linkLabel) SetText(s string) { l.label.SetText(s) }
func (l *linkLabel) Text() string     { return l.label.Text }

func (l *linkLabel) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(l.label) }
func (l *linkLabel) Tapped(*fyne.PointEvent)             { l.onTap() }

// Cursor shows the hand, so the label reads as clickable.
func (l *linkLabel) Cursor() desktop.Cursor { return desktop.PointerCursor }
