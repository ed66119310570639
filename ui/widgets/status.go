package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
)

// statusLine is a view's last message, in red when it is an error, and a
// progress bar shown while a job runs.
type statusLine struct {
	text *widget.Label
	bar  *widget.ProgressBar
	box  fyne.CanvasObject
}

func newStatusLine() *statusLine {
	s := &statusLine{text: widget.NewLabel(""), bar: widget.NewProgressBar()}
	s.text.Wrapping = fyne.TextWrapWord
	s.bar.Hide()
	s.box = container.NewVBox(s.bar, s.text)
	return s
}

func (s *statusLine) info(msg string) {
	s.text.Importance = widget.MediumImportance
	s.text.SetText(msg)
}

func (s *statusLine) fail(err error) {
	s.text.Importance = widget.DangerImportance
	s.text.SetText(err.Error())
	s.bar.Hide()
}

// progress shows how far a job has come.
func (s *statusLine) progress(p jobs.Progress) {
	s.bar.Show()
	s.bar.SetValue(p.Fraction())
}

func (s *statusLine) idle() { s.bar.Hide() }

// cancelled tells a cancellation from a failure.
func cancelled(err error) bool { return errors.Is(err, context.Canceled) }
