package train

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"tessera/engine/jobs"
	"tessera/engine/model"
	engtrain "tessera/engine/train"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// newTrain shows a Train view in a test window, with no model loaded.
func newTrain(t *testing.T) (*view.Env, *trainView, *uitest.Recorder, fyne.Window) {
	t.Helper()
	env, ctrl := uitest.Env(t)
	v := New(env).(*trainView)
	w := uitest.Window(t, env, v.Content)
	return env, v, ctrl, w
}

// writeImages writes n 32x32 PNGs of colour ramps under dir/sub.
func writeImages(t *testing.T, dir string, n int, sub ...string) {
	t.Helper()
	for i := range n {
		img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
		for y := range 32 {
			for x := range 32 {
				img.SetNRGBA(x, y, color.NRGBA{uint8(x*8 + i*40), uint8(y * 8), uint8(255 - i*50), 255})
			}
		}
		path := filepath.Join(append(append([]string{dir}, sub...), string(rune('a'+i))+".png")...)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

// chooseData picks a data folder through the view's Choose… button.
func chooseData(t *testing.T, v *trainView, ctrl *uitest.Recorder, dir string) {
	t.Helper()
	ctrl.SetAnswer(dir)
	uitest.Tap(v.chooseData)
	uitest.WaitFor(t, func() bool { return v.scanned != nil && v.scanned.Dir == dir })
}

// setText types into an entry.
func setText(e interface{ SetText(string) }, s string) { view.Sync(func() { e.SetText(s) }) }

func TestTrainViewSetsUpAPresetRun(t *testing.T) {
	_, v, ctrl, w := newTrain(t)
	if !uitest.ShowsText(w, "What to train") || !uitest.ShowsText(w, "choose a folder of training images") {
		t.Errorf("no setup, or no word on what is missing: %v", uitest.Texts(w))
	}
	if !uitest.Disabled(v.start) {
		t.Error("Start is enabled with nothing set up")
	}
	dir := t.TempDir()
	writeImages(t, dir, 4)
	setText(v.batch, "1") // the timing's steps are cheap at batch 1
	chooseData(t, v, ctrl, dir)
	if !uitest.ShowsText(w, "4 images found.") {
		t.Errorf("the folder's images are not counted: %v", uitest.Texts(w))
	}
	view.Sync(func() {
		if n := len(v.thumbs.Objects); n != 4 {
			t.Errorf("%d thumbnails of 4 images", n)
		}
		if v.out.Text != dir+"-vqgan" {
			t.Errorf("output suggested as %q", v.out.Text)
		}
	})
	// The chosen preset is measured on the data, on the training worker.
	uitest.WaitForText(t, w, "parameters · about ")
	if !uitest.ShowsText(w, "per 1000 steps at batch 1") {
		t.Errorf("the tiny preset's timing: %v", uitest.Texts(w))
	}
	if uitest.Disabled(v.start) {
		t.Errorf("Start is disabled: %v", uitest.Texts(w))
	}
	setText(v.batch, "two")
	if !uitest.ShowsText(w, `the batch must be a whole number of at least 1, not "two"`) || !uitest.Disabled(v.start) {
		t.Errorf("a bad batch is not refused: %v", uitest.Texts(w))
	}
	setText(v.batch, "2")
	if !uitest.ShowsText(w, "(measured on other settings: measure again)") {
		t.Errorf("the timing does not say it was measured at another batch: %v", uitest.Texts(w))
	}
	var opt engtrain.Options
	view.Sync(func() {
		var err error
		if opt, err = v.options(); err != nil {
			t.Fatal(err)
		}
	})
	if opt.Kind != engtrain.KindVQGAN || opt.Preset != "tiny" || opt.Batch != 2 || opt.Steps != 1000 || opt.Data != dir {
		t.Errorf("options %+v", opt)
	}
}

func TestTrainViewRunsStopsResumesAndFinishes(t *testing.T) {
	env, v, ctrl, w := newTrain(t)
	dir, out := t.TempDir(), filepath.Join(t.TempDir(), "run")
	writeImages(t, dir, 3)
	chooseData(t, v, ctrl, dir)
	setText(v.out, out)
	setText(v.steps, "500")
	setText(v.batch, "2")
	setText(v.adv.imageEvery, "2")

	uitest.TapButton(t, w, "Start")
	view.Sync(func() {
		// The bar, hidden until the run, gets its place when it shows.
		if s, p := v.progress.Size(), v.progress.Position(); s.Width != v.head.Size().Width || p.Y < v.progressText.MinSize().Height {
			t.Errorf("the progress bar shows at %v, %v: want the width of its column (%v), below the text", p, s, v.head.Size().Width)
		}
	})
	// Progress, a curve with points and a picture.
	uitest.WaitFor(t, func() bool {
		s := v.losses.Series()
		return v.curves.lastStep() >= 3 && len(s) > 0 && len(s[0].X) >= 3 && len(v.codes.Series()) == 2 && v.pictures.shown() != nil
	})
	uitest.WaitForText(t, w, " of 500 · ")
	view.Sync(func() {
		if n := len(env.Session.Training.Jobs()); n == 0 || !strings.HasPrefix(env.Session.Training.Jobs()[n-1].Name, "train vqgan: run") {
			t.Error("the run is not a job of the training worker")
		}
	})

	uitest.TapButton(t, w, "Stop")
	var j *jobs.Job
	view.Sync(func() { j = v.run.Job })
	<-j.Done()
	res, _ := j.Result().(*engtrain.Result)
	if j.State() != jobs.Cancelled || res == nil {
		t.Fatalf("the stopped run ended %v with %v", j.State(), j.Err())
	}
	if _, err := os.Stat(filepath.Join(out, engtrain.ModelFile)); err != nil {
		t.Fatalf("no checkpoint after Stop: %v", err)
	}
	uitest.WaitForText(t, w, "Stopped at step ")
	if !uitest.Disabled(v.start) || uitest.Disabled(v.resume) {
		t.Error("after Stop the folder should offer Resume and refuse a new Start")
	}

	// Resume continues the step count from the checkpoint.
	stopped := res.Steps
	setText(v.steps, itoa(stopped+2))
	uitest.TapButton(t, w, "Resume")
	view.Sync(func() { j = v.run.Job })
	<-j.Done()
	if err := j.Err(); err != nil {
		t.Fatal(err)
	}
	uitest.WaitForText(t, w, "Trained "+itoa(stopped+2)+" steps")
	view.Sync(func() {
		xs := v.curves.x["total_loss"]
		for i := range xs {
			if xs[i] != float64(i+1) {
				t.Fatalf("logged steps %v: want 1 to %d, each once", xs, stopped+2)
			}
		}
		if len(xs) != stopped+2 {
			t.Errorf("%d steps on the curve after resuming to %d", len(xs), stopped+2)
		}
	})

	// Earlier pictures can be looked at again.
	var before string
	view.Sync(func() { before = v.pictures.text.Text })
	uitest.Tap(v.pictures.prev)
	view.Sync(func() {
		if v.pictures.text.Text == before || v.pictures.follow {
			t.Errorf("back from %q shows %q", before, v.pictures.text.Text)
		}
	})

	var opened string
	view.Sync(func() { env.LoadModel = func(p string) { opened = p } })
	uitest.TapButton(t, w, "Open in studio")
	if opened != filepath.Join(out, engtrain.ModelFile) {
		t.Errorf("Open in studio opened %q", opened)
	}
	if _, err := model.Open(opened, ""); err != nil {
		t.Errorf("the trained model does not open: %v", err)
	}

	// A preset trains without LPIPS: taming's loss module needs its
	// weights, and the export says so.
	ctrl.SetAnswer(t.TempDir())
	uitest.TapButton(t, w, "Export for taming…")
	uitest.WaitFor(t, func() bool { return strings.Contains(v.status.Text(), "LPIPS") })
}

func TestTrainViewShowsTheRunAFolderHolds(t *testing.T) {
	dir, out := t.TempDir(), filepath.Join(t.TempDir(), "run")
	writeImages(t, dir, 2)
	opt := engtrain.Options{Kind: engtrain.KindVQGAN, Preset: "tiny", Data: dir, Out: out, Batch: 1, Steps: 3, ImageEvery: 1}
	if _, err := engtrain.Run(t.Context(), opt, func(engtrain.Progress) {}); err != nil {
		t.Fatal(err)
	}
	_, v, _, w := newTrain(t)
	setText(v.out, out)
	uitest.WaitFor(t, func() bool {
		return v.curves.lastStep() == 3 && len(v.pictures.paths) == 3 && v.pictures.shown() != nil
	})
	if !uitest.ShowsText(w, "run holds a run (last logged step 3): Resume continues it") || !uitest.ShowsText(w, "step 3 · 3/3") {
		t.Errorf("texts %v", uitest.Texts(w))
	}
	if uitest.Disabled(v.resume) || uitest.Disabled(v.open) {
		t.Error("a folder with a run does not offer Resume and Open")
	}
}

func TestTrainViewSetsUpATransformerAndAFineTune(t *testing.T) {
	env, v, ctrl, w := newTrain(t)
	view.Sync(func() { v.kind.SetSelected(kindTransformer) })
	if !uitest.ShowsText(w, "Open a model first") {
		t.Errorf("no word that a transformer needs a model: %v", uitest.Texts(w))
	}
	m, _ := uitest.OpenModel(t, env, "vqgan", v)
	dir := t.TempDir()
	writeImages(t, dir, 2, "cat")
	writeImages(t, dir, 1, "dog")
	view.Sync(func() { v.cond.SetSelected(condClasses) })
	chooseData(t, v, ctrl, dir)
	if !uitest.ShowsText(w, "3 images found in 2 classes: cat, dog.") {
		t.Errorf("the classes are not shown: %v", uitest.Texts(w))
	}
	setText(v.out, filepath.Join(t.TempDir(), "gpt"))
	view.Sync(func() {
		opt, err := v.options()
		if err != nil {
			t.Fatal(err)
		}
		if opt.Kind != engtrain.KindTransformer || opt.GPTPreset != "tiny" || opt.FirstStage != m.WeightsPath || opt.Condition != engtrain.ConditionClass {
			t.Errorf("transformer options %+v", opt)
		}
		v.kind.SetSelected(kindFineTune)
	})
	uitest.WaitFor(t, func() bool { return v.scanned != nil }) // read again without classes
	view.Sync(func() {
		opt, err := v.options()
		if err != nil {
			t.Fatal(err)
		}
		if opt.Kind != engtrain.KindVQGAN || opt.Init != m.WeightsPath || opt.Preset != "" {
			t.Errorf("fine-tune options %+v", opt)
		}
	})
	if !uitest.ShowsText(w, "Fine-tunes the first stage of last.ckpt (64 codes, f4)") {
		t.Errorf("texts %v", uitest.Texts(w))
	}
}

func TestCurvesDropWhatAResumedRunRedoes(t *testing.T) {
	c := newCurves()
	for s := 1; s <= 5; s++ {
		c.add(s, map[string]float64{"loss": float64(s)})
	}
	c.add(4, map[string]float64{"loss": 40}) // resumed from the checkpoint of step 3
	if got := c.x["loss"]; len(got) != 4 || got[3] != 4 || c.y["loss"][3] != 40 || c.lastStep() != 4 {
		t.Errorf("steps %v values %v", got, c.y["loss"])
	}
}

func TestLong(t *testing.T) {
	for d, want := range map[float64]string{30: "30 s", 600: "10 min", 3600: "60 min", 2 * 3600: "2 h", 5*3600 + 33*60: "5 h 33 min", 72 * 3600: "3.0 days"} {
		if got := long(secs(d)); got != want {
			t.Errorf("long(%v s) = %q, want %q", d, got, want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
