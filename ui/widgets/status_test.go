package widgets

import (
	"errors"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"tessera/engine/jobs"
)

// The status line keeps its height whether idle, running or saying a
// short message or error, so what sits beside it stays where it was; a
// bar shown during a job gets the full width.
func TestStatusLineKeepsItsHeight(t *testing.T) {
	test.NewTempApp(t)
	s := NewStatusLine()
	w := test.NewWindow(s.Content())
	defer w.Close()
	w.Resize(fyne.NewSize(400, 200))
	idle := s.Content().MinSize().Height
	for name, step := range map[string]func(){
		"a progress report": func() { s.Progress(jobs.Progress{Done: 1, Total: 4}) },
		"a message":         func() { s.Info("Sampling 1 with seed 7…") },
		"an error":          func() { s.Fail(errors.New("the map is 3x3 pixels")) },
		"idle again":        func() { s.Idle() },
	} {
		step()
		if h := s.Content().MinSize().Height; h != idle {
			t.Errorf("after %s the status line is %v high, idle %v", name, h, idle)
		}
	}
	s.Progress(jobs.Progress{Done: 2, Total: 4})
	if got, want := s.bar.Size().Width, s.Content().Size().Width; got != want || s.bar.Size().Height == 0 {
		t.Errorf("the bar is %v in a line %v wide", s.bar.Size(), want)
	}
}

// The bar names the job's phase with that phase's own percentage, and the
// view's message when the job names none.
func TestStatusLineShowsThePhase(t *testing.T) {
	test.NewTempApp(t)
	s := NewStatusLine()
	s.Info("Sampling 64×32 tokens with seed 5…")
	s.Progress(jobs.Progress{Done: 1, Total: 4})
	if got := s.BarText(); got != "Sampling 64×32 tokens with seed 5… 25%" {
		t.Errorf("without a phase the bar says %q", got)
	}
	s.Progress(jobs.Progress{Done: 1536, Total: 2048, Message: "Sampling 1536/2048 tokens"})
	if got := s.BarText(); got != "Sampling 1536/2048 tokens 75%" {
		t.Errorf("sampling: the bar says %q", got)
	}
	s.Progress(jobs.Progress{Done: 0, Total: 1, Message: "Decoding 1024×512"})
	if got := s.BarText(); got != "Decoding 1024×512 0%" {
		t.Errorf("decoding: the bar says %q", got)
	}
	s.Cancelling()
	if got := s.BarText(); got != "Cancelling… 0%" {
		t.Errorf("after a cancel the bar says %q", got)
	}
	s.Idle()
	s.Cancelling() // no job: nothing to say
	s.Progress(jobs.Progress{Done: 1, Total: 2})
	if got := s.BarText(); got != "Sampling 64×32 tokens with seed 5… 50%" {
		t.Errorf("a phase outlived its job: the bar says %q", got)
	}
}
