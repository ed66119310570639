package jobs

import (
	"context"
	"errors"
	"time"
)

// ErrYield is what a long background job returns, between two of its
// steps, to let the jobs queued behind it run first (see ShouldYield). The
// worker queues it again behind them and later calls its Func once more, so
// the Func must keep its progress in its closure and carry on from there.
var ErrYield = errors.New("jobs: yielded to the jobs waiting")

type workerKey struct{}

// ShouldYield tells a job running on a worker whether other jobs are
// waiting for it: a job that is not the artist's own request (the codebook
// atlas of a model just opened) checks it between steps and returns
// ErrYield, so a Sample pressed meanwhile does not wait for the whole of it.
func ShouldYield(ctx context.Context) bool {
	w, ok := ctx.Value(workerKey{}).(*Worker)
	if !ok {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.queue) > 0
}

// requeueLocked puts a job that yielded back at the end of the queue;
// w.mu and j.mu must be held.
func (w *Worker) requeueLocked(j *Job) {
	j.state = Queued
	j.baseAt = time.Time{} // the rate behind ETA restarts: the wait is not work
	w.queue = append(w.queue, j)
	w.emit(Event{Job: j, Kind: Submitted})
	w.wake.Signal()
}
