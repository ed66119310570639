package jobs

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// ErrClosed is the error of jobs cancelled because the worker closed.
var ErrClosed = errors.New("jobs: worker closed")

// Worker runs submitted jobs one at a time, in submission order (a job that
// yields, see ErrYield, goes back behind the jobs waiting).
//
// Locks are taken in the order Worker.mu, Job.mu, Worker.subMu,
// subscriber.mu; state changes are announced while the job's lock is held so
// subscribers see each job's events in order.
type Worker struct {
	now     func() time.Time
	stopped chan struct{}

	mu     sync.Mutex
	wake   *sync.Cond
	queue  []*Job
	jobs   []*Job
	nextID int
	closed bool

	subMu sync.Mutex
	subs  []*subscriber
}

// NewWorker starts a worker goroutine; Close stops it.
func NewWorker() *Worker { return newWorker(time.Now) }

func newWorker(now func() time.Time) *Worker {
	w := &Worker{now: now, stopped: make(chan struct{})}
	w.wake = sync.NewCond(&w.mu)
	go w.loop()
	return w
}

// Submit queues f under a display name and returns its job. After Close the
// job comes back already cancelled with ErrClosed.
func (w *Worker) Submit(name string, f Func) *Job {
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), workerKey{}, w))
	j := &Job{Name: name, w: w, f: f, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.nextID++
	j.ID = w.nextID
	j.mu.Lock()
	j.submitted = w.now()
	defer j.mu.Unlock()
	if w.closed {
		j.finishLocked(nil, ErrClosed, Cancelled)
		return j
	}
	w.jobs = append(w.jobs, j)
	w.queue = append(w.queue, j)
	w.emit(Event{Job: j, Kind: Submitted})
	w.wake.Signal()
	return j
}

// Jobs returns the jobs submitted so far, oldest first, including finished
// ones until ClearFinished.
func (w *Worker) Jobs() []*Job {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.jobs)
}

// ClearFinished forgets finished jobs, so Jobs lists only live ones and
// their results can be collected.
func (w *Worker) ClearFinished() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.jobs = slices.DeleteFunc(w.jobs, func(j *Job) bool { return j.State().Finished() })
}

// Close cancels the running and queued jobs, waits for the running one to
// return, and closes every subscription once its events are delivered.
func (w *Worker) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		for _, j := range w.queue {
			j.mu.Lock()
			j.finishLocked(nil, ErrClosed, Cancelled)
			j.mu.Unlock()
		}
		w.queue = nil
		for _, j := range w.jobs {
			j.cancel() // a no-op for all but the running job
		}
		w.wake.Broadcast()
	}
	w.mu.Unlock()
	<-w.stopped
	w.subMu.Lock()
	defer w.subMu.Unlock()
	for _, s := range w.subs {
		s.end()
	}
	w.subs = nil
}

func (w *Worker) loop() {
	defer close(w.stopped)
	for {
		w.mu.Lock()
		for len(w.queue) == 0 && !w.closed {
			w.wake.Wait()
		}
		if w.closed {
			w.mu.Unlock()
			return
		}
		j := w.queue[0]
		w.queue[0] = nil
		w.queue = w.queue[1:]
		j.mu.Lock()
		j.state = Running
		if j.started.IsZero() { // not a job resumed after yielding
			j.started = w.now()
		}
		w.emit(Event{Job: j, Kind: Started})
		j.mu.Unlock()
		w.mu.Unlock()

		res, err := j.call()

		if errors.Is(err, ErrYield) && j.ctx.Err() == nil {
			w.mu.Lock()
			j.mu.Lock()
			if w.closed {
				j.finishLocked(nil, ErrClosed, Cancelled)
			} else {
				w.requeueLocked(j)
			}
			j.mu.Unlock()
			w.mu.Unlock()
			continue
		}
		j.mu.Lock()
		state := Done
		if err != nil {
			state = Failed
			if cerr := j.ctx.Err(); cerr != nil && errors.Is(err, cerr) {
				state = Cancelled
			}
		}
		j.finishLocked(res, err, state)
		j.mu.Unlock()
	}
}

// unqueue removes a queued job; w.mu must be held.
func (w *Worker) unqueue(j *Job) {
	w.queue = slices.DeleteFunc(w.queue, func(q *Job) bool { return q == j })
}
