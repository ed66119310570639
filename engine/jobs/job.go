// Package jobs runs the engine's long work (encoding, sampling, training) on
// one background worker goroutine. That goroutine owns the model state, so
// jobs run one at a time in submission order; each can be cancelled through
// its context, and progress flows to the UI without ever blocking a job.
package jobs

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// Progress is a job's report of how far it has come: in its current phase
// when it has several, each with its own Done and Total.
type Progress struct {
	Done, Total int
	Message     string
	// Phase, when set, is the step the job is in ("sampling", "decoding"),
	// for code; Message says it for a person.
	Phase string
	// Preview is an optional intermediate result (a partial image, say). A
	// job must not change a preview after reporting it: readers share it.
	Preview any
	// Left, when above 0, is the job's own estimate of the time left as of
	// this report (from a cost model); ETA prefers it to the rate.
	Left time.Duration
}

// Fraction returns Done/Total clamped to [0, 1], or 0 when Total is unknown.
func (p Progress) Fraction() float64 {
	if p.Total <= 0 {
		return 0
	}
	return min(max(float64(p.Done)/float64(p.Total), 0), 1)
}

// Result is whatever a job produces.
type Result any

// Func is the work of a job. It should return soon after ctx is cancelled,
// with ctx's error and whatever partial result it has. report never blocks.
type Func func(ctx context.Context, report func(Progress)) (Result, error)

// State is where a job is in its life.
type State int

const (
	Queued State = iota
	Running
	Done
	Failed
	Cancelled
)

var stateNames = [...]string{"queued", "running", "done", "failed", "cancelled"}

func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return fmt.Sprintf("State(%d)", int(s))
	}
	return stateNames[s]
}

// Finished reports whether the job will not change state again.
func (s State) Finished() bool { return s >= Done }

// PanicError is the error of a job that panicked; Stack helps a bug report.
type PanicError struct {
	Job   string
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("jobs: %s: panic: %v", e.Job, e.Value) }

// Job is one submitted piece of work. Its methods are safe to call from any
// goroutine.
type Job struct {
	ID   int
	Name string

	w      *Worker
	f      Func
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu                sync.Mutex
	state             State
	progress          Progress
	result            Result
	err               error
	submitted         time.Time
	started, finished time.Time
	// The rate behind ETA is measured from the first report of the current
	// Total (so start-up work before it does not count) to the latest one.
	baseDone       int
	baseAt, lastAt time.Time
}

// State returns the job's current state.
func (j *Job) State() State {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.state
}

// Progress returns the latest progress the job reported.
func (j *Job) Progress() Progress {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.progress
}

// Result returns what the job returned, once finished. A cancelled job that
// returned a partial result keeps it.
func (j *Job) Result() Result {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.result
}

// Err returns the error of a failed or cancelled job, nil otherwise.
func (j *Job) Err() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}

// Submitted returns when the job was submitted.
func (j *Job) Submitted() time.Time {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.submitted
}

// Started returns when the job began running, or the zero time.
func (j *Job) Started() time.Time {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.started
}

// Finished returns when the job finished, or the zero time.
func (j *Job) Finished() time.Time {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.finished
}

// Elapsed returns how long the job has run (or ran, once finished).
func (j *Job) Elapsed() time.Duration {
	now := j.w.now()
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case j.started.IsZero():
		return 0
	case j.finished.IsZero():
		return now.Sub(j.started)
	}
	return j.finished.Sub(j.started)
}

// ETA estimates the time left for a running job: the job's own estimate
// (Progress.Left) run down since it was reported, else the rate of its
// progress reports; ok is false until two reports of the same Total show
// progress.
func (j *Job) ETA() (left time.Duration, ok bool) {
	now := j.w.now()
	j.mu.Lock()
	defer j.mu.Unlock()
	p := j.progress
	if j.state == Running && p.Left > 0 {
		return max(p.Left-now.Sub(j.lastAt), 0), true
	}
	did, span := p.Done-j.baseDone, j.lastAt.Sub(j.baseAt)
	if j.state != Running || p.Total <= 0 || did <= 0 || span <= 0 {
		return 0, false
	}
	left = time.Duration(float64(span)*float64(p.Total-p.Done)/float64(did)) - now.Sub(j.lastAt)
	return max(left, 0), true
}

// Done is closed when the job has finished.
func (j *Job) Done() <-chan struct{} { return j.done }

// Cancel stops the job: a queued job is removed without running, a running
// one sees its context cancelled. Cancelling a finished job does nothing.
func (j *Job) Cancel() {
	w := j.w
	w.mu.Lock()
	defer w.mu.Unlock()
	j.mu.Lock()
	defer j.mu.Unlock()
	switch j.state {
	case Queued:
		w.unqueue(j)
		j.finishLocked(nil, context.Canceled, Cancelled)
	case Running:
		j.cancel()
	}
}

// report is the job's progress callback: it only stores and notifies.
func (j *Job) report(p Progress) {
	now := j.w.now()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state != Running {
		return // a goroutine the job left behind
	}
	if j.baseAt.IsZero() || p.Total != j.progress.Total || p.Done < j.baseDone {
		j.baseDone, j.baseAt = p.Done, now
	}
	j.progress, j.lastAt = p, now
	j.w.emit(Event{Job: j, Kind: Progressed})
}

// call runs the job's function, turning a panic into an error.
func (j *Job) call() (res Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, &PanicError{Job: j.Name, Value: r, Stack: debug.Stack()}
		}
	}()
	return j.f(j.ctx, j.report)
}

// finishLocked records the outcome; j.mu must be held.
func (j *Job) finishLocked(res Result, err error, s State) {
	j.result, j.err, j.state = res, err, s
	j.finished = j.w.now()
	j.cancel() // frees the context
	close(j.done)
	j.w.emit(Event{Job: j, Kind: Finished})
}
