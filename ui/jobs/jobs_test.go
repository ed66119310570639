package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tessera/engine/jobs"
	"tessera/engine/pipeline"
)

// sampleJob submits a real sampling job big enough to still be running when
// the test looks (a 32x32 grid slides the tiny transformer's window over
// 1024 tokens: a second, five under -race).
func sampleJob(v *MainView) *jobs.Job {
	class := 3
	return v.env.Session.Sample(pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}, W: 32, H: 32})
}

func TestJobsView(t *testing.T) {
	v, _, w := newTestWindow(t)
	jv := v.views[4].v.(*jobsView)
	loadModel(t, v, "cin_transformer")
	running, queued := sampleJob(v), sampleJob(v)
	t.Cleanup(running.Cancel)

	// The running job shows its progress, clocks and where the sampler is;
	// the status bar shows it too, with the queued one behind it.
	waitFor(t, func() bool {
		r := jv.rows[running]
		return r != nil && strings.HasPrefix(r.state.Text, "running · sampling") && r.bar.Value > 0 &&
			strings.Contains(r.times.Text, "elapsed · ") && strings.HasSuffix(r.times.Text, " left") &&
			strings.HasPrefix(v.status.job.Text, "sample ") // its own subscriber may lag the Jobs view's
	})
	Sync(func() {
		if s := v.status.job.Text; !strings.HasSuffix(s, "(+1 queued)") || !v.status.jobBox.Visible() {
			t.Errorf("status bar job %q, shown %v", s, v.status.jobBox.Visible())
		}
		q := jv.rows[queued]
		if q.state.Text != "queued" || !q.cancel.Visible() {
			t.Errorf("queued job shows %q, cancel shown %v", q.state.Text, q.cancel.Visible())
		}
		// Newest first.
		if jv.list.Objects[0] != q.box || jv.list.Objects[1] != jv.rows[running].box {
			t.Error("the newest job is not listed first")
		}
	})
	// Clicking the status bar's job shows the Jobs view.
	tap(v.status.job)
	Sync(func() {
		if v.tabs.Selected().Text != "Jobs" {
			t.Errorf("clicking the running job selected %s", v.tabs.Selected().Text)
		}
	})

	tap(jv.rows[queued].cancel)
	tap(jv.rows[running].cancel)
	Sync(func() {
		if c := jv.rows[running].cancel; running.State() == jobs.Running && (!c.Disabled() || c.Text != "Cancelling…") {
			t.Errorf("after Cancel the button reads %q, disabled %v", c.Text, c.Disabled())
		}
	})
	<-running.Done()
	waitFor(t, func() bool {
		return jv.rows[running].state.Text == "cancelled · result kept" && jv.rows[queued].state.Text == "cancelled" && !v.status.jobBox.Visible()
	})
	if running.State() != jobs.Cancelled || running.Result() == nil {
		t.Errorf("cancelled job: %v, result %v", running.State(), running.Result())
	}
	Sync(func() {
		for _, j := range []*jobs.Job{running, queued} {
			if r := jv.rows[j]; r.cancel.Visible() || r.problem.Visible() {
				t.Errorf("cancelled job %d still offers Cancel or shows an error", j.ID)
			}
		}
		if r := jv.rows[running]; !strings.HasPrefix(r.times.Text, "took ") {
			t.Errorf("the cancelled job's time reads %q", r.times.Text)
		}
	})

	// A failed job shows its error.
	missing := filepath.Join(t.TempDir(), "missing.png")
	failed := v.env.Session.Usage([]string{missing})
	<-failed.Done()
	waitFor(t, func() bool { r := jv.rows[failed]; return r != nil && r.state.Text == "failed" })
	Sync(func() {
		if p := jv.rows[failed].problem; !p.Visible() || !strings.Contains(p.Text, missing) {
			t.Errorf("failed job's error %q (shown %v)", p.Text, p.Visible())
		}
	})

	tapButton(t, w, "Clear finished")
	Sync(func() {
		if len(jv.list.Objects) != 0 || !jv.none.Visible() {
			t.Errorf("%d jobs listed after clearing the finished ones", len(jv.list.Objects))
		}
	})
}

func TestJobsViewShowsTheModelLoading(t *testing.T) {
	v, _, w := newTestWindow(t)
	selectTab(v, "Jobs")
	loadModel(t, v, "vqgan")
	// The row appears when the job starts and reads "done" a moment after
	// the model is in use, so wait for the finished state itself.
	waitFor(t, func() bool {
		for _, r := range v.views[4].v.(*jobsView).rows {
			if r.state.Text == "done" {
				return true
			}
		}
		return false
	})
	if !showsText(w, "open "+tiny("vqgan")) || !showsText(w, "done") {
		t.Errorf("the loading job is not listed as done; texts %v", visibleTexts(w))
	}
}

func TestTook(t *testing.T) {
	if got := took(1234 * time.Millisecond); got != "1.2 s" {
		t.Errorf("took(1.234 s) = %q", got)
	}
	if got := took(20 * time.Millisecond); got != "under 0.1 s" {
		t.Errorf("took(20 ms) = %q", got)
	}
	if got := took(75 * time.Second); got != "1:15" {
		t.Errorf("took(75 s) = %q", got)
	}
}

func TestClock(t *testing.T) {
	for d, want := range map[int]string{0: "0:00", 59: "0:59", 61: "1:01", 3600 + 62: "1:01:02"} {
		if got := clock(secs(d)); got != want {
			t.Errorf("clock(%ds) = %q, want %q", d, got, want)
		}
	}
}

func secs(n int) time.Duration { return time.Duration(n) * time.Second }

func TestSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{
		40 * time.Microsecond:   "40 µs",
		800 * time.Microsecond:  "0.8 ms",
		54 * time.Millisecond:   "54 ms",
		1234 * time.Millisecond: "1.2 s",
		38 * time.Second:        "38 s",
		75 * time.Second:        "1:15",
	} {
		if got := span(d); got != want {
			t.Errorf("span(%v) = %q, want %q", d, got, want)
		}
	}
}
