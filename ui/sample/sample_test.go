package sample

import (
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/engine/pipeline"
	"tessera/engine/tokens"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// newSampler shows a Sample view with the named tiny model loaded in a
// test window.
func newSampler(t *testing.T, modelName string) (*view.Env, *sampleView, *uitest.Recorder, fyne.Window) {
	t.Helper()
	env, ctrl := uitest.Env(t)
	s := New(env).(*sampleView)
	w := uitest.Window(t, env, s.Content)
	uitest.OpenModel(t, env, modelName, s)
	return env, s, ctrl, w
}

// sampleOnce taps Sample and waits for the results.
func sampleOnce(t *testing.T, w fyne.Window, s *sampleView) []pipeline.Result {
	t.Helper()
	var before int
	view.Sync(func() { before = len(s.gallery.Results()) })
	uitest.TapButton(t, w, "Sample")
	var out []pipeline.Result
	uitest.WaitFor(t, func() bool {
		out = s.gallery.Results()
		return s.job == nil && len(out) > before
	})
	if t.Failed() {
		t.FailNow()
	}
	return out[:len(out)-before]
}

func TestSamplerForAClassModel(t *testing.T) {
	env, s, _, w := newSampler(t, "cin_transformer")
	class := uitest.Find(t, w, func(*widget.Select) bool { return true })
	view.Sync(func() {
		if s.cond.Kind() != widgets.CondClass || len(class.Options) != 10 || class.Options[9] != "9" {
			t.Fatalf("class picker: kind %d, options %v", s.cond.Kind(), class.Options)
		}
		class.SetSelected("3")
		s.settings.seed.Random.SetChecked(false)
		s.settings.seed.Entry.SetText("7")
		s.settings.count.SetValue(2)
	})
	first := sampleOnce(t, w, s)
	if len(first) != 2 {
		t.Fatalf("%d results, want 2", len(first))
	}
	for i, r := range first {
		p := r.Params
		if p["seed"] != int64(7) || p["class"] != 3 || p["index"] != i || p["operation"] != "sample" {
			t.Errorf("result %d parameters %v", i, p)
		}
		if r.Grid.W != 8 || r.Image.Bounds().Dx() != 32 {
			t.Errorf("result %d is %dx%d tokens, %v", i, r.Grid.W, r.Grid.H, r.Image.Bounds())
		}
	}
	if !uitest.ShowsText(w, "seed 7 #0 · class 3") {
		t.Errorf("the gallery does not show the parameters: %v", uitest.Texts(w))
	}
	// The preview ends on the last result finished, and says so.
	view.Sync(func() {
		if !strings.HasPrefix(s.previewText.Text, "Latest: seed 7 #1 · class 3") || s.preview.Image != first[1].Image {
			t.Errorf("the preview shows %q and result #1's image %v", s.previewText.Text, s.preview.Image == first[1].Image)
		}
	})
	// The same seed gives the same grids.
	again := sampleOnce(t, w, s)
	for i := range again {
		if !again[i].Grid.Equal(first[i].Grid) {
			t.Errorf("result %d differs when sampled again with the same seed", i)
		}
	}

	// The newest result's Edit button sends it to the Editor.
	var sent tokens.Grid
	var sentParams map[string]any
	view.Sync(func() {
		env.SendToEditor = func(g tokens.Grid, _ image.Image, params map[string]any) { sent, sentParams = g, params }
	})
	uitest.TapButton(t, w, "Edit")
	view.Sync(func() {
		if !sent.Equal(again[0].Grid) || sentParams["seed"] != int64(7) {
			t.Errorf("the Editor was sent %v with %v, want the newest result", sent.Codes, sentParams)
		}
	})
}

func TestSamplerDiceAndPreferences(t *testing.T) {
	_, s, _, _ := newSampler(t, "cin_transformer")
	view.Sync(func() {
		s.settings.seed.Random.SetChecked(false)
		s.settings.seed.Entry.SetText("7")
		test.Tap(s.settings.seed.Dice)
		if s.settings.seed.Entry.Text == "7" {
			t.Error("the dice kept the seed")
		}
		if _, err := s.settings.options(); err != nil {
			t.Errorf("the dice drew an unusable seed: %v", err)
		}
		s.settings.topK.SetValue(20)
		s.settings.topP.SetValue(0.9)
		s.settings.temp.SetValue(0.7)
		s.settings.count.SetValue(3)

		// A new sampler starts from the saved settings.
		n := newSamplerSettings()
		n.setVocab(64)
		o, _ := n.options()
		if o.Filter.TopK != 20 || o.Filter.TopP != 0.9 || o.Filter.Temperature != 0.7 || o.Count != 3 {
			t.Errorf("restored settings %+v", o)
		}
		// A small codebook bounds top-k without forgetting the preference.
		n.setVocab(10)
		if n.topK.Value != 10 || fyne.CurrentApp().Preferences().Int(prefTopK) != 20 {
			t.Errorf("top-k %v with 10 codes, preference %d", n.topK.Value, fyne.CurrentApp().Preferences().Int(prefTopK))
		}
	})
}

// writeLabels writes a grayscale label map of w×h label fill with one
// pixel of label odd at (x, y).
func writeLabels(t *testing.T, w, h, fill, odd, x, y int) string {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(fill)
	}
	img.Pix[y*w+x] = uint8(odd)
	path := filepath.Join(t.TempDir(), "labels.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSamplerForASegmentationModel(t *testing.T) {
	_, s, ctrl, w := newSampler(t, "seg_transformer")
	var p *widgets.SegPainter
	view.Sync(func() {
		p = s.cond.Painter()
		if p == nil {
			t.Fatalf("no painter for the segmentation model (kind %d)", s.cond.Kind())
		}
		if w, h := p.MapSize(); w != 16 || h != 16 {
			t.Fatalf("a %dx%d painter for the segmentation model, want 16x16", w, h)
		}
	})
	// The palette offers exactly the model's labels 0..4.
	texts := uitest.Texts(w)
	for l := range 5 {
		if !texts[strconv.Itoa(l)] {
			t.Errorf("the legend lacks label %d", l)
		}
	}
	if texts["5"] {
		t.Error("the legend offers label 5 of a 5-label model")
	}

	// Paint a stroke of label 3 across the map.
	uitest.TapButton(t, w, "3")
	view.Sync(func() {
		at, size := p.MapArea()
		y := at.Y + size.Height*8.5/16 // the middle of row 8
		// The pointer ends at the right edge, having moved from the left.
		test.Drag(w.Canvas(), uitest.Absolute(p, fyne.NewPos(at.X+size.Width-1, y)), size.Width-2, 0)
	})
	view.Sync(func() {
		labels := p.LabelMap().Labels
		if got := labels[8*16+8]; got != 3 {
			t.Errorf("the stroke left label %d in the middle, want 3", got)
		}
		if labels[0] != 0 {
			t.Error("the stroke painted the corner")
		}
	})
	res := sampleOnce(t, w, s)
	if g := res[0].Grid; g.W != 4 || g.H != 4 {
		t.Errorf("sampled %dx%d tokens from a 16x16 map, want 4x4", g.W, g.H)
	}

	// A label map with a label the model lacks is refused, naming it.
	ctrl.SetAnswer(writeLabels(t, 16, 16, 1, 5, 3, 2))
	uitest.TapButton(t, w, "Load label map…")
	want := "labels.png: label 5 at pixel (3, 2) is outside this model's labels 0..4"
	uitest.WaitFor(t, func() bool { return s.status.Text() == want })
	view.Sync(func() {
		if w, _ := p.MapSize(); w != 16 || p.LabelMap().Labels[0] != 0 {
			t.Error("the refused map replaced the painted one")
		}
	})

	ctrl.SetAnswer(uitest.Tiny("seg_transformer", "segmentation.png"))
	uitest.TapButton(t, w, "Load label map…")
	uitest.WaitFor(t, func() bool { w, h := p.MapSize(); return w == 56 && h == 40 })
	res = sampleOnce(t, w, s)
	if g := res[0].Grid; g.W != 14 || g.H != 10 {
		t.Errorf("sampled %dx%d tokens from the 56x40 map, want 14x10", g.W, g.H)
	}
	if c := res[0].Params["condition"]; c != "segmentation.png" {
		t.Errorf("the condition is recorded as %v", c)
	}
}

func TestSamplerForADepthModel(t *testing.T) {
	_, s, ctrl, w := newSampler(t, "depth_transformer")
	view.Sync(func() {
		if s.cond.Kind() != widgets.CondImage {
			t.Fatalf("condition kind %d, want an image picker for depth", s.cond.Kind())
		}
	})
	if !uitest.ShowsText(w, "No image chosen") {
		t.Error("the picker does not say that no image is chosen")
	}
	ctrl.SetAnswer(uitest.Tiny("depth_transformer", "depth.png"))
	uitest.TapButton(t, w, "Choose image…")
	// (widgets' TestCondPickerShowsDepthAsTheCondStageSeesIt checks the preview.)
	uitest.WaitForText(t, w, "float32 depth")
	res := sampleOnce(t, w, s)
	if g := res[0].Grid; g.W != 14 || g.H != 10 || res[0].Params["condition"] != "depth.png" {
		t.Errorf("sampled %dx%d tokens with condition %v, want 14x10 from depth.png", g.W, g.H, res[0].Params["condition"])
	}
}

func TestSamplerWithAFirstStageOnly(t *testing.T) {
	_, s, _, w := newSampler(t, "vqgan")
	if !uitest.ShowsText(w, "VQGAN first stage only: it cannot sample") {
		t.Errorf("no reason shown: %v", uitest.Texts(w))
	}
	view.Sync(func() {
		if !s.start.Disabled() {
			t.Error("Sample is enabled for a first stage")
		}
		if _, err := s.request(); err == nil || !strings.Contains(err.Error(), "cannot sample") {
			t.Errorf("request: %v", err)
		}
	})
}

func TestSamplerDrawsANewSeedEachTimeByDefault(t *testing.T) {
	_, s, _, w := newSampler(t, "cin_transformer")
	view.Sync(func() {
		if !s.settings.seed.Random.Checked || !s.settings.seed.Entry.Disabled() {
			t.Error("the sampler does not start in the new-seed-each-time mode")
		}
	})
	first := sampleOnce(t, w, s)[0]
	second := sampleOnce(t, w, s)[0]
	a, b := first.Params["seed"].(int64), second.Params["seed"].(int64)
	if a == b {
		t.Fatalf("two runs used seed %d both", a)
	}
	if first.Grid.Equal(second.Grid) {
		t.Error("two runs with different seeds drew the same grid")
	}
	view.Sync(func() {
		if got := s.settings.seed.Entry.Text; got != strconv.FormatInt(b, 10) {
			t.Errorf("the seed field shows %q, want the seed used, %d", got, b)
		}
	})
	if !uitest.ShowsText(w, "seed "+strconv.FormatInt(b, 10)+" #0") {
		t.Errorf("the gallery does not show the seed used: %v", uitest.Texts(w))
	}
	// Turning the mode off keeps the last seed, which makes the result again.
	uitest.Tap(uitest.Find(t, w, func(c *widget.Check) bool { return c.Text == widgets.NewSeedText }))
	again := sampleOnce(t, w, s)[0]
	if again.Params["seed"] != b || !again.Grid.Equal(second.Grid) {
		t.Errorf("with the mode off the sampler used seed %v, want %d again with its grid", again.Params["seed"], b)
	}
	view.Sync(func() {
		if fyne.CurrentApp().Preferences().Bool(prefRandomSeed) {
			t.Error("the mode's preference was not saved")
		}
	})
}

func TestAQueuedSampleSaysItIsQueued(t *testing.T) {
	env, s, _, w := newSampler(t, "cin_transformer")
	release := make(chan struct{})
	running := make(chan struct{})
	env.Session.Worker.Submit("something long", func(context.Context, func(jobs.Progress)) (jobs.Result, error) {
		close(running)
		<-release
		return nil, nil
	})
	<-running
	status := func() (text string) { view.Sync(func() { text = s.status.Text() }); return text }
	uitest.TapButton(t, w, "Sample")
	if text := status(); !strings.HasPrefix(text, "Queued behind 1 job(s)") {
		t.Errorf("a sample waiting behind another job says %q", text)
	}
	close(release)
	uitest.WaitFor(t, func() bool { return s.job == nil })
	if text := status(); !strings.HasPrefix(text, "Sampled 1 result(s).") {
		t.Errorf("after the run the status says %q", text)
	}
}
