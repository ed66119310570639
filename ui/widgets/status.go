package widgets

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/engine/session"
	"tessera/ui/view"
)

// StatusLine is a view's last message, in red when it is an error, and a
// progress bar shown while a job runs. UI goroutine only.
type StatusLine struct {
	text *widget.Label
	bar  *widget.ProgressBar
	box  fyne.CanvasObject
}

func NewStatusLine() *StatusLine {
	s := &StatusLine{text: widget.NewLabel(""), bar: widget.NewProgressBar()}
	s.text.Wrapping = fyne.TextWrapWord
	s.bar.Hide()
	s.box = container.NewVBox(s.bar, s.text)
	return s
}

// Content is the line to place in a view.
func (s *StatusLine) Content() fyne.CanvasObject { return s.box }

// Text is the message shown.
func (s *StatusLine) Text() string { return s.text.Text }

func (s *StatusLine) Info(msg string) {
	s.text.Importance = widget.MediumImportance
	s.text.SetText(msg)
}

func (s *StatusLine) Fail(err error) {
	s.text.Importance = widget.DangerImportance
	s.text.SetText(err.Error())
	s.bar.Hide()
}

// Progress shows how far a job has come.
func (s *StatusLine) Progress(p jobs.Progress) {
	s.bar.Show()
	s.bar.SetValue(p.Fraction())
}

func (s *StatusLine) Idle() { s.bar.Hide() }

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
