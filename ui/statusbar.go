package ui

import (
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/engine/nn/blas"
)

// statusBar sits under the views: the model in use on the left (click it
// for the model card), the running job and the compute device on the right
// (click the job for the Jobs view).
type statusBar struct {
	model  *linkLabel
	job    *linkLabel
	jobBar *widget.ProgressBar
	jobBox *fyne.Container
	device *widget.Label
	box    fyne.CanvasObject
}

func newStatusBar(onModel, onJob func()) *statusBar {
	s := &statusBar{
		model:  newLinkLabel("No model loaded", onModel),
		job:    newLinkLabel("", onJob),
		jobBar: widget.NewProgressBar(),
		device: widget.NewLabel(cpuDevice(runtime.GOMAXPROCS(0)) + " · " + blasName(blas.Name())),
	}
	s.model.Truncation = fyne.TextTruncateEllipsis // long paths must not widen the window
	s.jobBar.TextFormatter = func() string { return "" }
	s.jobBox = container.NewHBox(s.job, container.NewGridWrap(fyne.NewSize(120, s.jobBar.MinSize().Height), s.jobBar))
	s.jobBox.Hide()
	right := container.NewHBox(s.jobBox, widget.NewSeparator(), s.device)
	s.box = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, right, s.model))
	return s
}

// showJob shows the running job, or hides the indicator when there is none.
// queued is how many jobs wait behind it.
func (s *statusBar) showJob(j *jobs.Job, queued int) {
	if j == nil {
		s.jobBox.Hide()
		return
	}
	p := j.Progress()
	text := j.Name
	if p.Total > 0 {
		text += fmt.Sprintf(" %d%%", int(p.Fraction()*100))
	}
	if left, ok := j.ETA(); ok && left > 0 { // between sparse reports the estimate runs down to 0
		text += " · " + clock(left) + " left"
	}
	if queued > 0 {
		text += fmt.Sprintf(" (+%d queued)", queued)
	}
	s.job.SetText(text)
	s.jobBar.SetValue(p.Fraction())
	s.jobBox.Show()
}

// cpuDevice names the CPU backend by the threads Go will run it on.
func cpuDevice(threads int) string {
	if threads == 1 {
		return "CPU · 1 thread"
	}
	return fmt.Sprintf("CPU · %d threads", threads)
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

// clock writes a duration as m:ss, or h:mm:ss past an hour.
// span writes a duration for people: "40 µs", "0.8 ms", "54 ms", "1.2 s",
// "38 s", then clock time.
func span(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d < 100*time.Microsecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", ms)
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", ms)
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%.0f s", d.Seconds())
	}
	return clock(d)
}

func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// linkLabel is a label that does something when clicked.
type linkLabel struct {
	widget.Label
	onTap func()
}

func newLinkLabel(text string, onTap func()) *linkLabel {
	l := &linkLabel{onTap: onTap}
	l.Text = text
	l.ExtendBaseWidget(l)
	return l
}

func (l *linkLabel) Tapped(*fyne.PointEvent) { l.onTap() }

// Cursor shows the hand, so the label reads as clickable.
func (l *linkLabel) Cursor() desktop.Cursor { return desktop.PointerCursor }
