package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// wait fails the test if j does not finish; the limit only guards against a
// hang, it is not part of any assertion.
func wait(t *testing.T, j *Job) {
	t.Helper()
	select {
	case <-j.Done():
	case <-time.After(10 * time.Second):
		t.Fatalf("job %q did not finish (state %v)", j.Name, j.State())
	}
}

// blocker returns a job that signals started, then waits for release or
// cancellation and returns "partial" with the context's error if cancelled.
func blocker(started chan<- struct{}, release <-chan struct{}) Func {
	return func(ctx context.Context, report func(Progress)) (Result, error) {
		report(Progress{Done: 1, Total: 10})
		close(started)
		select {
		case <-release:
			return "full", nil
		case <-ctx.Done():
			return "partial", ctx.Err()
		}
	}
}

func TestRunsInOrderOneAtATime(t *testing.T) {
	w := NewWorker()
	defer w.Close()
	started, release := make(chan struct{}), make(chan struct{})
	first := w.Submit("first", blocker(started, release))
	<-started

	var (
		mu      sync.Mutex
		order   []int
		running atomic.Int32
		overlap atomic.Bool
	)
	var jobs []*Job
	for i := range 5 {
		jobs = append(jobs, w.Submit(fmt.Sprint("job", i), func(context.Context, func(Progress)) (Result, error) {
			if running.Add(1) > 1 {
				overlap.Store(true)
			}
			defer running.Add(-1)
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			return i * 10, nil
		}))
	}
	for _, j := range jobs {
		if j.State() != Queued {
			t.Fatalf("%s is %v behind a running job", j.Name, j.State())
		}
	}
	if first.State() != Running {
		t.Fatalf("first job is %v", first.State())
	}
	close(release)
	for _, j := range jobs {
		wait(t, j)
	}
	if !slices.Equal(order, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("ran in order %v", order)
	}
	if overlap.Load() {
		t.Fatal("two jobs ran at once")
	}
	for i, j := range jobs {
		if j.State() != Done || j.Result() != i*10 || j.Err() != nil {
			t.Fatalf("%s: %v %v %v", j.Name, j.State(), j.Result(), j.Err())
		}
	}
	if first.Result() != "full" || first.ID != 1 || jobs[4].ID != 6 {
		t.Fatalf("first job result %v, IDs %d..%d", first.Result(), first.ID, jobs[4].ID)
	}
	if got := w.Jobs(); len(got) != 6 || got[0] != first || got[5] != jobs[4] {
		t.Fatalf("Jobs() = %v", got)
	}
}

func TestCancelQueued(t *testing.T) {
	w := NewWorker()
	defer w.Close()
	started, release := make(chan struct{}), make(chan struct{})
	w.Submit("blocker", blocker(started, release))
	<-started
	var ran atomic.Bool
	j := w.Submit("queued", func(context.Context, func(Progress)) (Result, error) {
		ran.Store(true)
		return nil, nil
	})
	after := w.Submit("after", func(context.Context, func(Progress)) (Result, error) { return "ok", nil })
	j.Cancel()
	select {
	case <-j.Done():
	default:
		t.Fatal("a cancelled queued job is not done at once")
	}
	if j.State() != Cancelled || !errors.Is(j.Err(), context.Canceled) || !j.Started().IsZero() {
		t.Fatalf("state %v, err %v, started %v", j.State(), j.Err(), j.Started())
	}
	close(release)
	wait(t, after)
	if ran.Load() {
		t.Fatal("the cancelled job ran")
	}
	if after.Result() != "ok" {
		t.Fatalf("the job behind it: %v %v", after.State(), after.Err())
	}
	j.Cancel() // cancelling again is harmless
	if j.State() != Cancelled {
		t.Fatal("second Cancel changed the state")
	}
}

func TestCancelRunningKeepsPartialResult(t *testing.T) {
	w := NewWorker()
	defer w.Close()
	started := make(chan struct{})
	j := w.Submit("sample", blocker(started, nil))
	<-started
	j.Cancel()
	wait(t, j)
	if j.State() != Cancelled || j.Result() != "partial" || !errors.Is(j.Err(), context.Canceled) {
		t.Fatalf("state %v, result %v, err %v", j.State(), j.Result(), j.Err())
	}
	if p := j.Progress(); p.Done != 1 || p.Total != 10 {
		t.Fatalf("progress %+v", p)
	}
	if j.Finished().Before(j.Started()) || j.Started().IsZero() {
		t.Fatalf("started %v, finished %v", j.Started(), j.Finished())
	}
}

func TestOutcomes(t *testing.T) {
	w := NewWorker()
	defer w.Close()
	boom := errors.New("boom")
	failed := w.Submit("fails", func(context.Context, func(Progress)) (Result, error) { return "half", boom })
	// An inner timeout is a failure, not a cancellation of this job.
	timeout := w.Submit("times out", func(context.Context, func(Progress)) (Result, error) {
		return nil, fmt.Errorf("fetch: %w", context.DeadlineExceeded)
	})
	// A job that finishes its work despite a cancel is done.
	started, finish := make(chan struct{}), make(chan struct{})
	stubborn := w.Submit("stubborn", func(context.Context, func(Progress)) (Result, error) {
		close(started)
		<-finish
		return "all", nil
	})
	wait(t, failed)
	wait(t, timeout)
	<-started
	stubborn.Cancel()
	close(finish)
	wait(t, stubborn)
	if failed.State() != Failed || failed.Err() != boom || failed.Result() != "half" {
		t.Errorf("fails: %v %v %v", failed.State(), failed.Err(), failed.Result())
	}
	if timeout.State() != Failed {
		t.Errorf("times out: %v", timeout.State())
	}
	if stubborn.State() != Done || stubborn.Err() != nil || stubborn.Result() != "all" {
		t.Errorf("stubborn: %v %v %v", stubborn.State(), stubborn.Err(), stubborn.Result())
	}
}

func panicky(context.Context, func(Progress)) (Result, error) { panic("kaboom") }

func TestPanicFailsTheJobOnly(t *testing.T) {
	w := NewWorker()
	defer w.Close()
	j := w.Submit("sample", panicky)
	next := w.Submit("next", func(context.Context, func(Progress)) (Result, error) { return 1, nil })
	wait(t, j)
	wait(t, next)
	if j.State() != Failed || j.Err() == nil || j.Err().Error() != "jobs: sample: panic: kaboom" {
		t.Fatalf("state %v, err %v", j.State(), j.Err())
	}
	var pe *PanicError
	if !errors.As(j.Err(), &pe) || pe.Value != "kaboom" || !strings.Contains(string(pe.Stack), "jobs.panicky") {
		t.Fatalf("panic error %#v", j.Err())
	}
	if next.State() != Done {
		t.Fatalf("the worker did not survive: next is %v", next.State())
	}
}

func TestProgressNeverBlocks(t *testing.T) {
	w := NewWorker()
	defer w.Close()
	events, stop := w.Subscribe() // never read until the job is done
	defer stop()
	const n = 100000
	j := w.Submit("tight", func(ctx context.Context, report func(Progress)) (Result, error) {
		for i := 1; i <= n; i++ {
			report(Progress{Done: i, Total: n})
		}
		return nil, nil
	})
	wait(t, j)
	// Coalescing kept the backlog to one event per kind.
	var kinds []EventKind
	for ev := range events {
		if ev.Job != j {
			t.Fatalf("event for another job: %v", ev.Job)
		}
		kinds = append(kinds, ev.Kind)
		if ev.Kind == Finished {
			break
		}
	}
	if want := []EventKind{Submitted, Started, Progressed, Finished}; !slices.Equal(kinds, want) {
		t.Fatalf("events %v, want %v", kinds, want)
	}
	if p := j.Progress(); p.Done != n || p.Fraction() != 1 {
		t.Fatalf("latest progress %+v", p)
	}
}

func TestEventsThenCloseEndsSubscription(t *testing.T) {
	w := NewWorker()
	events, _ := w.Subscribe()
	got := make(chan []Event)
	go func() {
		var all []Event
		for ev := range events {
			all = append(all, ev)
		}
		got <- all
	}()
	a := w.Submit("a", func(ctx context.Context, report func(Progress)) (Result, error) {
		report(Progress{Done: 1, Total: 1})
		return nil, nil
	})
	b := w.Submit("b", func(context.Context, func(Progress)) (Result, error) { return nil, errors.New("no") })
	wait(t, a)
	wait(t, b)
	w.Close()
	var all []Event
	select {
	case all = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the event channel was not closed by Close")
	}
	for _, c := range []struct {
		j    *Job
		want []EventKind
	}{
		{a, []EventKind{Submitted, Started, Progressed, Finished}},
		{b, []EventKind{Submitted, Started, Finished}},
	} {
		var kinds []EventKind
		for _, ev := range all {
			if ev.Job == c.j {
				kinds = append(kinds, ev.Kind)
			}
		}
		if !slices.Equal(kinds, c.want) {
			t.Errorf("%s: events %v, want %v", c.j.Name, kinds, c.want)
		}
	}
}

func TestStopEndsSubscription(t *testing.T) {
	w := NewWorker()
	defer w.Close()
	events, stop := w.Subscribe()
	w.Submit("x", func(context.Context, func(Progress)) (Result, error) { return nil, nil })
	stop()
	stop() // twice is harmless
	for range events {
		// pending events may or may not arrive; the channel must close
	}
	j := w.Submit("y", func(context.Context, func(Progress)) (Result, error) { return nil, nil })
	wait(t, j)
}

func TestCloseWithJobsInFlight(t *testing.T) {
	w := NewWorker()
	started := make(chan struct{})
	running := w.Submit("running", blocker(started, nil))
	<-started
	var ran atomic.Bool
	queued := []*Job{}
	for range 2 {
		queued = append(queued, w.Submit("queued", func(context.Context, func(Progress)) (Result, error) {
			ran.Store(true)
			return nil, nil
		}))
	}
	w.Close()
	// Close waited for the running job.
	select {
	case <-running.Done():
	default:
		t.Fatal("Close returned before the running job finished")
	}
	if running.State() != Cancelled || running.Result() != "partial" {
		t.Fatalf("running job: %v %v", running.State(), running.Result())
	}
	for _, j := range queued {
		if j.State() != Cancelled || j.Err() != ErrClosed {
			t.Fatalf("queued job: %v %v", j.State(), j.Err())
		}
	}
	if ran.Load() {
		t.Fatal("a queued job ran after Close")
	}
	late := w.Submit("late", func(context.Context, func(Progress)) (Result, error) { return nil, nil })
	if late.State() != Cancelled || late.Err() != ErrClosed {
		t.Fatalf("job submitted after Close: %v %v", late.State(), late.Err())
	}
	<-late.Done()
	events, _ := w.Subscribe()
	if _, open := <-events; open {
		t.Fatal("a subscription after Close delivered an event")
	}
	w.Close() // twice is harmless
}

func TestClearFinished(t *testing.T) {
	w := NewWorker()
	defer w.Close()
	done := w.Submit("done", func(context.Context, func(Progress)) (Result, error) { return nil, nil })
	wait(t, done)
	started := make(chan struct{})
	live := w.Submit("live", blocker(started, nil))
	<-started
	w.ClearFinished()
	if got := w.Jobs(); len(got) != 1 || got[0] != live {
		t.Fatalf("Jobs() after ClearFinished = %v", got)
	}
}

// clock is a settable time source for ETA and Elapsed.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestETAAndElapsed(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	w := newWorker(c.now)
	defer w.Close()
	// The job reports what the test sends and acknowledges each report.
	steps, acks := make(chan Progress), make(chan struct{})
	j := w.Submit("eta", func(ctx context.Context, report func(Progress)) (Result, error) {
		acks <- struct{}{}
		for p := range steps {
			report(p)
			acks <- struct{}{}
		}
		return nil, nil
	})
	step := func(p Progress) {
		steps <- p
		<-acks
	}
	eta := func(want time.Duration, wantOK bool) {
		t.Helper()
		got, ok := j.ETA()
		if ok != wantOK || got != want {
			t.Fatalf("ETA() = %v, %v; want %v, %v", got, ok, want, wantOK)
		}
	}
	<-acks // running
	eta(0, false)
	if !j.Submitted().Equal(c.now()) {
		t.Fatalf("Submitted() = %v, want %v", j.Submitted(), c.now())
	}
	c.advance(3 * time.Second) // start-up work before the first report
	step(Progress{Done: 10, Total: 110})
	eta(0, false)
	c.advance(10 * time.Second)
	step(Progress{Done: 20, Total: 110}) // 1 per second, 90 left
	eta(90*time.Second, true)
	c.advance(5 * time.Second)
	eta(85*time.Second, true)
	if j.Elapsed() != 18*time.Second {
		t.Fatalf("Elapsed() = %v", j.Elapsed())
	}
	// A new phase with another total starts a new measurement.
	step(Progress{Done: 0, Total: 50})
	eta(0, false)
	c.advance(2 * time.Second)
	step(Progress{Done: 10, Total: 50})
	eta(8*time.Second, true)
	c.advance(time.Minute) // slower than estimated: never negative
	eta(0, true)
	// The job's own estimate wins over the rate, and runs down between
	// reports.
	step(Progress{Done: 20, Total: 50, Left: 40 * time.Second})
	eta(40*time.Second, true)
	c.advance(4 * time.Second)
	eta(36*time.Second, true)
	close(steps)
	wait(t, j)
	eta(0, false)
	c.advance(time.Hour)
	if j.Elapsed() != 84*time.Second {
		t.Fatalf("Elapsed() after finishing = %v", j.Elapsed())
	}
}

func TestFractionAndStateNames(t *testing.T) {
	for _, c := range []struct {
		p    Progress
		want float64
	}{
		{Progress{Done: 1, Total: 4}, 0.25},
		{Progress{Done: 5, Total: 0}, 0},
		{Progress{Done: 7, Total: 4}, 1},
		{Progress{Done: -1, Total: 4}, 0},
	} {
		if got := c.p.Fraction(); got != c.want {
			t.Errorf("%+v.Fraction() = %v, want %v", c.p, got, c.want)
		}
	}
	if Cancelled.String() != "cancelled" || State(9).String() != "State(9)" {
		t.Errorf("names: %v %v", Cancelled, State(9))
	}
	if Running.Finished() || !Failed.Finished() {
		t.Error("Finished() is wrong")
	}
}
