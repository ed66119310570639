package jobs

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	engjobs "tessera/engine/jobs"
	"tessera/engine/pipeline"
	"tessera/engine/train"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// newJobs shows a Jobs view in a test window.
func newJobs(t *testing.T) (*view.Env, *jobsView, fyne.Window) {
	t.Helper()
	env, _ := uitest.Env(t)
	jv := New(env).(*jobsView)
	return env, jv, uitest.Window(t, env, jv.Content)
}

// sampleJob submits a real sampling job big enough to still be running when
// the test looks (a 32x32 grid slides the tiny transformer's window over
// 1024 tokens: a second, five under -race).
func sampleJob(env *view.Env) *engjobs.Job {
	class := 3
	return env.Session.Sample(pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}, W: 32, H: 32})
}

func TestJobsView(t *testing.T) {
	env, jv, w := newJobs(t)
	uitest.OpenModel(t, env, "cin_transformer")
	running, queued := sampleJob(env), sampleJob(env)
	t.Cleanup(running.Cancel)

	// The running job shows its progress, clocks and its phase: where the
	// sampler is.
	uitest.WaitFor(t, func() bool {
		r := jv.rows[running]
		return r != nil && strings.HasPrefix(r.state.Text, "running · Sampling ") && strings.HasSuffix(r.state.Text, "/1024 tokens") && r.bar.Value > 0 &&
			strings.Contains(r.times.Text, "elapsed · ") && strings.HasSuffix(r.times.Text, " left")
	})
	view.Sync(func() {
		q := jv.rows[queued]
		if q.state.Text != "queued" || !q.cancel.Visible() {
			t.Errorf("queued job shows %q, cancel shown %v", q.state.Text, q.cancel.Visible())
		}
		// Newest first.
		if jv.list.Objects[0] != q.box || jv.list.Objects[1] != jv.rows[running].box {
			t.Error("the newest job is not listed first")
		}
	})

	uitest.Tap(jv.rows[queued].cancel)
	uitest.Tap(jv.rows[running].cancel)
	view.Sync(func() {
		if c := jv.rows[running].cancel; running.State() == engjobs.Running && (!c.Disabled() || c.Text != "Cancelling…") {
			t.Errorf("after Cancel the button reads %q, disabled %v", c.Text, c.Disabled())
		}
	})
	<-running.Done()
	uitest.WaitFor(t, func() bool {
		return jv.rows[running].state.Text == "cancelled · result kept" && jv.rows[queued].state.Text == "cancelled"
	})
	if running.State() != engjobs.Cancelled || running.Result() == nil {
		t.Errorf("cancelled job: %v, result %v", running.State(), running.Result())
	}
	view.Sync(func() {
		for _, j := range []*engjobs.Job{running, queued} {
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
	failed := env.Session.Usage([]string{missing})
	<-failed.Done()
	uitest.WaitFor(t, func() bool { r := jv.rows[failed]; return r != nil && r.state.Text == "failed" })
	view.Sync(func() {
		if p := jv.rows[failed].problem; !p.Visible() || !strings.Contains(p.Text, missing) {
			t.Errorf("failed job's error %q (shown %v)", p.Text, p.Visible())
		}
	})

	uitest.TapButton(t, w, "Clear finished")
	view.Sync(func() {
		if len(jv.list.Objects) != 0 || !jv.none.Visible() {
			t.Errorf("%d jobs listed after clearing the finished ones", len(jv.list.Objects))
		}
	})
}

func TestJobsViewShowsTheModelLoading(t *testing.T) {
	env, jv, w := newJobs(t)
	uitest.OpenModel(t, env, "vqgan")
	// The row appears when the job starts and reads "done" a moment after
	// the model is in use, so wait for the finished state itself.
	uitest.WaitFor(t, func() bool {
		for _, r := range jv.rows {
			if r.state.Text == "done" {
				return true
			}
		}
		return false
	})
	if !uitest.ShowsText(w, "open "+uitest.Tiny("vqgan")) || !uitest.ShowsText(w, "done") {
		t.Errorf("the loading job is not listed as done; texts %v", uitest.Texts(w))
	}
}

func TestJobsViewListsTheTrainingWorkerToo(t *testing.T) {
	env, jv, w := newJobs(t)
	dir := t.TempDir()
	writePNG(t, filepath.Join(dir, "a.png"))
	measure := env.Session.Measure("tiny", train.Options{Kind: train.KindVQGAN, Preset: "tiny", Data: dir, Batch: 1}, 1)
	usage := env.Session.Usage([]string{filepath.Join(dir, "missing.png")})
	uitest.WaitJob(t, measure)
	<-usage.Done()
	uitest.WaitFor(t, func() bool {
		m, u := jv.rows[measure], jv.rows[usage]
		return m != nil && u != nil && m.state.Text == "done" && u.state.Text == "failed"
	})
	view.Sync(func() {
		if jv.list.Objects[0] != jv.rows[usage].box || jv.list.Objects[1] != jv.rows[measure].box {
			t.Error("the jobs of both workers are not listed newest first")
		}
	})
	if !uitest.ShowsText(w, "measure tiny") {
		t.Errorf("the training worker's job is not shown: %v", uitest.Texts(w))
	}
	uitest.TapButton(t, w, "Clear finished")
	view.Sync(func() {
		if len(jv.list.Objects) != 0 || len(env.Session.Training.Jobs()) != 0 {
			t.Errorf("%d jobs listed after clearing the finished ones", len(jv.list.Objects))
		}
	})
}

// writePNG writes a 32x32 colour ramp.
func writePNG(t *testing.T, path string) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// The longest names the studio gives its jobs fit the name column, with
// the label's padding.
func TestJobNamesFit(t *testing.T) {
	newJobs(t)
	pad := 2 * theme.InnerPadding()
	for _, name := range []string{"Hi-Res 4096×2048 (seed 4294967295)", "Sample 8 × 64×64 (painted labels)", "Measure speed (sample 16×16)"} {
		if w := fyne.MeasureText(name, theme.TextSize(), fyne.TextStyle{Bold: true}).Width + pad; w > nameWidth {
			t.Errorf("%q needs %v, the column is %v", name, w, nameWidth)
		}
	}
}
