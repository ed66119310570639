package view

import (
	"context"
	"errors"
	"time"

	"tessera/engine/jobs"
	"tessera/engine/session"
)

// FollowEvery is how often a running job's progress is shown at most.
const FollowEvery = 100 * time.Millisecond

// WhenDone calls f on the UI goroutine once j has finished.
func WhenDone(j *jobs.Job, f func(res jobs.Result, err error)) {
	go func() {
		<-j.Done()
		Do(func() { f(j.Result(), j.Err()) })
	}()
}

// Follow is WhenDone that also shows progress: onProgress gets the latest
// progress of j, on the UI goroutine, at most every FollowEvery while it
// runs. w is the worker j was submitted to.
//
// A sampling job decodes a preview image only now and then, and the next
// token's progress replaces it at once. So Follow reads every progress
// event as it comes and keeps the newest image: the progress onProgress
// gets carries it until a newer one arrives.
func Follow(w *jobs.Worker, j *jobs.Job, onProgress func(jobs.Progress), f func(res jobs.Result, err error)) {
	events, stop := w.Subscribe()
	go func() {
		defer stop()
		tick := time.NewTicker(FollowEvery)
		defer tick.Stop()
		var latest jobs.Progress
		var image any // the newest preview image
		fresh := false
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					events = nil // the worker closed; Done follows
					continue
				}
				if ev.Job == j && ev.Kind == jobs.Progressed {
					latest, fresh = j.Progress(), true
					if s, ok := latest.Preview.(session.Sampled); ok && s.Image != nil {
						image = s.Image
					}
				}
			case <-tick.C:
				if !fresh {
					continue
				}
				p := latest
				if s, ok := p.Preview.(session.Sampled); ok && s.Image == nil {
					s.Image = image
					p.Preview = s
				}
				fresh = false
				Do(func() { onProgress(p) })
			case <-j.Done():
				Do(func() { f(j.Result(), j.Err()) })
				return
			}
		}
	}()
}

// Cancelled tells a cancellation from a failure.
func Cancelled(err error) bool { return errors.Is(err, context.Canceled) }

// WhenStarted calls f on the UI goroutine once j runs on w, the worker it
// was submitted to; not at all when it is cancelled before it runs.
func WhenStarted(w *jobs.Worker, j *jobs.Job, f func()) {
	events, stop := w.Subscribe()
	go func() {
		defer stop()
		// Subscribed first, then the state: a start in between is not missed.
		for j.State() == jobs.Queued {
			select {
			case _, ok := <-events:
				if !ok {
					events = nil // the worker closed; Done follows
				}
			case <-j.Done():
			}
		}
		if !j.Started().IsZero() {
			Do(f)
		}
	}()
}
