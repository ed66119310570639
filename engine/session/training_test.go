package session

import (
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"tessera/engine/jobs"
	"tessera/engine/train"
)

// writeImages writes n 32x32 PNGs of colour ramps, one per seed.
func writeImages(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
		for y := range 32 {
			for x := range 32 {
				img.SetNRGBA(x, y, color.NRGBA{uint8(x*8 + i*40), uint8(y * 8), uint8(255 - i*50), 255})
			}
		}
		f, err := os.Create(filepath.Join(dir, string(rune('a'+i))+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return dir
}

// logged are the steps of reports that carry a step's values.
func logged(r *Run) []int {
	var steps []int
	for _, p := range r.Reports(0) {
		if p.Logs != nil {
			steps = append(steps, p.Step)
		}
	}
	return steps
}

func TestTrainingStopsSavesAndResumes(t *testing.T) {
	s := New()
	defer s.Close()
	out := filepath.Join(t.TempDir(), "run")
	opt := train.Options{Kind: train.KindVQGAN, Preset: "tiny", Data: writeImages(t, 3), Out: out, Batch: 2, Steps: 1000, Seed: 1}
	run := s.Train(opt)
	events, stop := s.Training.Subscribe()
	defer stop()
	for ev := range events {
		if ev.Job == run.Job && ev.Job.Progress().Done >= 2 {
			break
		}
	}
	if p := run.Job.Progress(); p.Total != 1000 || p.Message == "" {
		t.Errorf("job progress %+v", p)
	}
	if s.ActiveRun() != run {
		t.Error("the running run is not the session's active one")
	}
	run.Job.Cancel()
	<-run.Job.Done()
	if s.ActiveRun() != nil {
		t.Error("a stopped run is still active")
	}
	if run.Job.State() != jobs.Cancelled || !errors.Is(run.Job.Err(), train.ErrInterrupted) {
		t.Fatalf("a stopped run ends %v: %v", run.Job.State(), run.Job.Err())
	}
	res, ok := run.Job.Result().(*train.Result)
	if !ok || res.Steps < 2 || res.Model != filepath.Join(out, train.ModelFile) {
		t.Fatalf("a stopped run's result %+v", run.Job.Result())
	}
	if _, err := os.Stat(res.Model); err != nil {
		t.Fatalf("no checkpoint after stopping: %v", err)
	}
	steps := logged(run)
	if len(steps) != res.Steps || steps[0] != 1 {
		t.Fatalf("reported steps %v for a run stopped after %d", steps, res.Steps)
	}

	again := s.Train(train.Options{Resume: out, Steps: res.Steps + 2})
	<-again.Job.Done()
	if err := again.Job.Err(); err != nil {
		t.Fatal(err)
	}
	if got := logged(again); len(got) != 2 || got[0] != res.Steps+1 {
		t.Errorf("the resumed run reported steps %v, want %d and %d", got, res.Steps+1, res.Steps+2)
	}
	if rest := again.Reports(len(again.Reports(0))); rest != nil {
		t.Errorf("reports past the end: %v", rest)
	}
}

func TestMeasure(t *testing.T) {
	s := New()
	defer s.Close()
	opt := train.Options{Kind: train.KindVQGAN, Preset: "tiny", Data: writeImages(t, 2), Batch: 2, Steps: 1}
	j := s.Measure("tiny", opt, 1)
	tm := wait(t, j).(train.Timing)
	if tm.PerStep <= 0 || tm.Parameters < 1000 {
		t.Errorf("timing %+v", tm)
	}
}
