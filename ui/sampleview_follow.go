package ui

import (
	"time"

	"tessera/engine/jobs"
)

// followEvery is how often a running job's progress is shown.
const followEvery = 100 * time.Millisecond

// whenDone calls f on the UI goroutine once j has finished.
func whenDone(j *jobs.Job, f func(res jobs.Result, err error)) {
	go func() {
		<-j.Done()
		Do(func() { f(j.Result(), j.Err()) })
	}()
}

// follow is whenDone that also shows progress: onProgress gets each new
// progress of j, on the UI goroutine, while it runs.
func follow(j *jobs.Job, onProgress func(jobs.Progress), f func(res jobs.Result, err error)) {
	go func() {
		tick := time.NewTicker(followEvery)
		defer tick.Stop()
		var last jobs.Progress
		for {
			select {
			case <-j.Done():
				Do(func() { f(j.Result(), j.Err()) })
				return
			case <-tick.C:
				p := j.Progress()
				if p.Done == last.Done && p.Total == last.Total && p.Message == last.Message {
					continue
				}
				last = p
				Do(func() { onProgress(p) })
			}
		}
	}()
}
