package widgets

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/engine/session"
	"tessera/ui/view"
)

// StatusLine is a view's last message, in red when it is an error, and a
// progress bar while a job runs, which shows the job's phase ("Sampling
// 812/1536 tokens", "Decoding 1024×512"), or the message when the job names
// none, with the phase's own percentage. Both
// share one slot of constant height, so the buttons beside it do not move
// when a job starts or ends. UI goroutine only.
type StatusLine struct {
	text  *widget.Label
	bar   *widget.ProgressBar
	phase string // the running job's Progress.Message
	slot  *fyne.Container
}

func NewStatusLine() *StatusLine {
	s := &StatusLine{text: widget.NewLabel(""), bar: widget.NewProgressBar()}
	s.text.Wrapping = fyne.TextWrapWord
	s.bar.TextFormatter = func() string {
		label := s.text.Text
		if s.phase != "" {
			label = s.phase
		}
		return fmt.Sprintf("%s %.0f%%", label, 100*s.bar.Value)
	}
	s.bar.Hide()
	height := max(s.bar.MinSize().Height, s.text.MinSize().Height)
	s.slot = container.NewStack(AtLeast(fyne.NewSize(0, height)), s.text, s.bar)
	return s
}

// Content is the line to place in a view.
func (s *StatusLine) Content() fyne.CanvasObject { return s.slot }

// Text is the message shown.
func (s *StatusLine) Text() string { return s.text.Text }

func (s *StatusLine) Info(msg string) {
	s.text.Importance = widget.MediumImportance
	s.text.SetText(msg)
	s.bar.Refresh()
}

func (s *StatusLine) Fail(err error) {
	s.text.Importance = widget.DangerImportance
	s.text.SetText(err.Error())
	s.Idle()
}

// Starting says msg about j, the job just submitted to w; while j waits
// behind other jobs it says that it is queued instead, and msg once j runs.
func (s *StatusLine) Starting(w *jobs.Worker, j *jobs.Job, msg string) {
	ahead := 0
	for _, o := range w.Jobs() {
		if o == j {
			break
		}
		if !o.State().Finished() {
			ahead++
		}
	}
	if ahead == 0 || j.State() != jobs.Queued {
		s.Info(msg)
		return
	}
	queued := fmt.Sprintf("Queued behind %d job(s): it starts when they finish (the Jobs view lists them).", ahead)
	s.Info(queued)
	view.WhenStarted(w, j, func() {
		// A message shown since (the job's end, an error) stays.
		if s.Text() == queued {
			s.Info(msg)
		}
	})
}

// Progress shows how far a job has come.
func (s *StatusLine) Progress(p jobs.Progress) {
	if !s.bar.Visible() {
		s.text.Hide()
		s.bar.Show()
		s.slot.Refresh() // a bar hidden at layout time has no size yet
	}
	s.phase = p.Message
	s.bar.SetValue(p.Fraction())
}

// Cancelling says in the bar that a cancel was asked for, until the job
// reports its next phase (a cancelled sample decodes what it has).
func (s *StatusLine) Cancelling() {
	if s.bar.Visible() {
		s.phase = "Cancelling…"
		s.bar.Refresh()
	}
}

// BarText is what the progress bar says.
func (s *StatusLine) BarText() string { return s.bar.TextFormatter() }

func (s *StatusLine) Idle() {
	s.phase = ""
	s.bar.Hide()
	s.text.Show()
}

// WriteOnWorker writes a file on the session's worker, after the jobs
// before it, and says in st how it went. then, if set, runs on the UI
// goroutine after a write that succeeded.
func WriteOnWorker(s *session.Session, st *StatusLine, name string, write func() error, done string, then ...func()) {
	j := s.Worker.Submit(name, func(context.Context, func(jobs.Progress)) (jobs.Result, error) {
		return nil, write()
	})
	view.WhenDone(j, func(_ jobs.Result, err error) {
		if err != nil {
			st.Fail(err)
			return
		}
		st.Info(done)
		for _, f := range then {
			f()
		}
	})
}
