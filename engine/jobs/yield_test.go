package jobs

import (
	"context"
	"sync"
	"testing"
)

// A background job of ten steps that yields whenever a job waits lets a
// job submitted during its third step run before its fourth, then carries
// on from where it stopped: every step runs once, in order, and the job
// keeps its first start time.
func TestAYieldingJobLetsTheWaitingJobRunFirst(t *testing.T) {
	w := NewWorker()
	defer w.Close()
	var (
		mu    sync.Mutex
		trace []string
	)
	log := func(s string) { mu.Lock(); trace = append(trace, s); mu.Unlock() }
	third, release := make(chan struct{}), make(chan struct{})
	var user *Job
	step := 0
	background := w.Submit("atlas", func(ctx context.Context, report func(Progress)) (Result, error) {
		for step < 10 {
			if ShouldYield(ctx) {
				log("yield")
				return nil, ErrYield
			}
			if step == 2 {
				close(third)
				<-release
			}
			log("step")
			step++
			report(Progress{Done: step, Total: 10})
		}
		return step, nil
	})
	<-third
	started := background.Started()
	user = w.Submit("sample", func(context.Context, func(Progress)) (Result, error) {
		log("user")
		return nil, nil
	})
	close(release)
	wait(t, background)
	wait(t, user)
	want := []string{"step", "step", "step", "yield", "user", "step", "step", "step", "step", "step", "step", "step"}
	if len(trace) != len(want) {
		t.Fatalf("trace %v, want %v", trace, want)
	}
	for i := range want {
		if trace[i] != want[i] {
			t.Fatalf("trace %v, want %v", trace, want)
		}
	}
	if background.State() != Done || background.Result() != 10 {
		t.Errorf("background job ended %v with %v, want done with 10 steps", background.State(), background.Result())
	}
	if !background.Started().Equal(started) {
		t.Errorf("resuming moved the start from %v to %v", started, background.Started())
	}
}

// A job that yielded and waits in the queue is cancelled like any queued
// job, without running again.
func TestCancellingAYieldedJob(t *testing.T) {
	w := NewWorker()
	defer w.Close()
	userStarted, userRelease := make(chan struct{}), make(chan struct{})
	yielded := make(chan struct{})
	runs := 0
	var user *Job
	background := w.Submit("atlas", func(ctx context.Context, report func(Progress)) (Result, error) {
		runs++
		if runs == 1 {
			user = w.Submit("sample", blocker(userStarted, userRelease))
			close(yielded)
			return nil, ErrYield
		}
		return "ran again", nil
	})
	<-yielded
	<-userStarted
	background.Cancel()
	close(userRelease)
	wait(t, background)
	wait(t, user)
	if background.State() != Cancelled || runs != 1 {
		t.Errorf("cancelled while yielded: %v after %d runs, want cancelled after 1", background.State(), runs)
	}
}
