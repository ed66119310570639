package session

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"tessera/engine/jobs"
	"tessera/engine/train"
)

// Run is a training run on the session's training worker: its job, and
// every report the trainer made so far (the job's own progress keeps only
// the latest, and a curve needs them all).
type Run struct {
	Job *jobs.Job

	mu      sync.Mutex
	reports []train.Progress
}

// Reports returns the reports from the from'th on, oldest first. A report's
// Logs are never changed after it is made.
func (r *Run) Reports(from int) []train.Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	if from >= len(r.reports) {
		return nil
	}
	return append([]train.Progress(nil), r.reports[max(from, 0):]...)
}

func (r *Run) add(p train.Progress) {
	r.mu.Lock()
	r.reports = append(r.reports, p)
	r.mu.Unlock()
}

// Train runs train.Run with opt on the training worker. The job's result
// is the *train.Result; cancelling it makes the trainer save a checkpoint
// and return, and the job ends Cancelled with that result and an error
// that wraps train.ErrInterrupted. Its progress counts steps, with the
// main loss in the message.
func (s *Session) Train(opt train.Options) *Run {
	r := &Run{}
	r.Job = s.Training.Submit(runName(opt), func(ctx context.Context, report func(jobs.Progress)) (jobs.Result, error) {
		res, err := train.Run(ctx, opt, func(p train.Progress) {
			r.add(p)
			report(jobs.Progress{Done: p.Step, Total: p.Steps, Message: stepMessage(p)})
		})
		if errors.Is(err, train.ErrInterrupted) && ctx.Err() != nil {
			return res, stopped{err, ctx.Err()}
		}
		if err != nil {
			return nil, err
		}
		return res, nil
	})
	s.mu.Lock()
	s.runs = append(s.runs, r)
	s.mu.Unlock()
	return r
}

// ActiveRun is the training run queued or running, the newest if there
// are several, or nil.
func (s *Session) ActiveRun() *Run {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.runs) - 1; i >= 0; i-- {
		if !s.runs[i].Job.State().Finished() {
			return s.runs[i]
		}
	}
	return nil
}

// stopped is the error of a run cancelled through its job: the trainer's,
// which says where it saved, that also is the context's, so the worker
// counts the job as cancelled.
type stopped struct{ err, cause error }

func (e stopped) Error() string   { return e.err.Error() }
func (e stopped) Unwrap() []error { return []error{e.err, e.cause} }

// runName names a run's job by what it trains and where.
func runName(opt train.Options) string {
	if opt.Resume != "" {
		return "train: resume " + filepath.Base(opt.Resume)
	}
	return fmt.Sprintf("train %s: %s", opt.Kind, filepath.Base(opt.Out))
}

// mainLosses are the values a step's message names, the first one found.
var mainLosses = []string{"loss", "total_loss", "bce_loss"}

func stepMessage(p train.Progress) string {
	msg := fmt.Sprintf("step %d of %d", p.Step, p.Steps)
	for _, k := range mainLosses {
		if v, ok := p.Logs[k]; ok {
			return msg + fmt.Sprintf(" · %s %.4g", k, v)
		}
	}
	return msg
}

// Measure times a few steps of the run opt describes (train.Measure) on the
// training worker, so it neither slows nor waits for the studio's other
// work. The result is a train.Timing.
func (s *Session) Measure(name string, opt train.Options, steps int) *jobs.Job {
	return s.Training.Submit("measure "+name, func(ctx context.Context, report func(jobs.Progress)) (jobs.Result, error) {
		report(jobs.Progress{Message: fmt.Sprintf("timing %d steps", steps)})
		return train.Measure(ctx, opt, steps)
	})
}
