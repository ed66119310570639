package ui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"tessera/engine/pipeline"
)

// sampleOnce taps Sample and waits for the results.
func sampleOnce(t *testing.T, w fyne.Window, s *sampleView) []pipeline.Result {
	t.Helper()
	var before int
	Sync(func() { before = len(s.gallery.results) })
	tapButton(t, w, "Sample")
	var out []pipeline.Result
	waitFor(t, func() bool {
		out = s.gallery.results
		return s.job == nil && len(out) > before
	})
	if t.Failed() {
		t.FailNow()
	}
	return out[:len(out)-before]
}

func TestSamplerForAClassModel(t *testing.T) {
	v, _, w := studioWith(t, "cin_transformer", "Sample")
	s := viewOf[*sampleView](t, v)
	Sync(func() {
		if s.cond.kind != condClass || len(s.cond.class.Options) != 10 || s.cond.class.Options[9] != "9" {
			t.Fatalf("class picker: kind %d, options %v", s.cond.kind, s.cond.class.Options)
		}
		s.cond.class.SetSelected("3")
		s.settings.seed.SetText("7")
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
	if !showsText(w, "seed 7 #0 · class 3") {
		t.Errorf("the gallery does not show the parameters: %v", visibleTexts(w))
	}
	// The same seed gives the same grids.
	again := sampleOnce(t, w, s)
	for i := range again {
		if !again[i].Grid.Equal(first[i].Grid) {
			t.Errorf("result %d differs when sampled again with the same seed", i)
		}
	}

	// The newest result's Edit button opens it in the Editor.
	tapButton(t, w, "Edit")
	e := viewOf[*editorView](t, v)
	if g := editorGrid(t, e); !g.Equal(again[0].Grid) {
		t.Error("the Editor did not receive the result's grid")
	}
	Sync(func() {
		if sel := v.tabs.Selected(); sel == nil || sel.Text != "Editor" {
			t.Error("sending to the Editor did not show it")
		}
		if e.params["seed"] != int64(7) {
			t.Errorf("the Editor's parameters: %v", e.params)
		}
	})
}

func TestSamplerDiceAndPreferences(t *testing.T) {
	v, _, _ := studioWith(t, "cin_transformer", "Sample")
	s := viewOf[*sampleView](t, v)
	Sync(func() {
		s.settings.seed.SetText("7")
		test.Tap(s.settings.dice)
		if s.settings.seed.Text == "7" {
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
	v, ctrl, w := studioWith(t, "seg_transformer", "Sample")
	s := viewOf[*sampleView](t, v)
	var p *segPainter
	Sync(func() {
		p = s.cond.painter
		if s.cond.kind != condLabels || p == nil || p.w != 16 || p.h != 16 {
			t.Fatalf("no 16x16 painter for the segmentation model (kind %d)", s.cond.kind)
		}
	})
	// The palette offers exactly the model's labels 0..4.
	texts := visibleTexts(w)
	for l := range 5 {
		if !texts[itoa(l)] {
			t.Errorf("the legend lacks label %d", l)
		}
	}
	if texts["5"] {
		t.Error("the legend offers label 5 of a 5-label model")
	}

	// Paint a stroke of label 3 across the map.
	tapButton(t, w, "3")
	Sync(func() {
		at, size := p.area(p.Size())
		y := at.Y + size.Height*8.5/16 // the middle of row 8
		// The pointer ends at the right edge, having moved from the left.
		test.Drag(w.Canvas(), absolute(p, fyne.NewPos(at.X+size.Width-1, y)), size.Width-2, 0)
	})
	Sync(func() {
		if got := p.labels[8*16+8]; got != 3 {
			t.Errorf("the stroke left label %d in the middle, want 3", got)
		}
		if p.labels[0] != 0 {
			t.Error("the stroke painted the corner")
		}
	})
	res := sampleOnce(t, w, s)
	if g := res[0].Grid; g.W != 4 || g.H != 4 {
		t.Errorf("sampled %dx%d tokens from a 16x16 map, want 4x4", g.W, g.H)
	}

	// A label map with a label the model lacks is refused, naming it.
	Sync(func() { ctrl.answer = writeLabels(t, 16, 16, 1, 5, 3, 2) })
	tapButton(t, w, "Load label map…")
	want := "labels.png: label 5 at pixel (3, 2) is outside this model's labels 0..4"
	waitFor(t, func() bool { return s.status.text.Text == want })
	Sync(func() {
		if p.w != 16 || p.labels[0] != 0 {
			t.Error("the refused map replaced the painted one")
		}
	})

	Sync(func() { ctrl.answer = tiny("seg_transformer", "segmentation.png") })
	tapButton(t, w, "Load label map…")
	waitFor(t, func() bool { return p.w == 56 && p.h == 40 })
	res = sampleOnce(t, w, s)
	if g := res[0].Grid; g.W != 14 || g.H != 10 {
		t.Errorf("sampled %dx%d tokens from the 56x40 map, want 14x10", g.W, g.H)
	}
	if c := res[0].Params["condition"]; c != "segmentation.png" {
		t.Errorf("the condition is recorded as %v", c)
	}
}

func TestSamplerForADepthModel(t *testing.T) {
	v, ctrl, w := studioWith(t, "depth_transformer", "Sample")
	s := viewOf[*sampleView](t, v)
	Sync(func() {
		if s.cond.kind != condImage || s.cond.channels != 1 {
			t.Fatalf("condition kind %d with %d channels, want an image picker for depth", s.cond.kind, s.cond.channels)
		}
	})
	if !showsText(w, "No image chosen") {
		t.Error("the picker does not say that no image is chosen")
	}
	Sync(func() { ctrl.answer = tiny("depth_transformer", "depth.png") })
	tapButton(t, w, "Choose image…")
	// The packed float32 depth is shown as the normalised grey map the cond
	// stage sees: near at the bottom (dark), far at the top (light).
	var preview *image.Gray
	waitFor(t, func() bool { preview, _ = s.cond.thumb.Image.(*image.Gray); return preview != nil })
	if b := preview.Bounds(); b.Dx() != 56 || b.Dy() != 40 {
		t.Fatalf("preview %v, want 56x40", b)
	}
	if top, bottom := preview.GrayAt(0, 0).Y, preview.GrayAt(0, 39).Y; top <= bottom {
		t.Errorf("preview top %d, bottom %d: the far top should be lighter", top, bottom)
	}
	if !showsText(w, "float32 depth") {
		t.Error("the picker does not say how the depth map was read")
	}
	res := sampleOnce(t, w, s)
	if g := res[0].Grid; g.W != 14 || g.H != 10 || res[0].Params["condition"] != "depth.png" {
		t.Errorf("sampled %dx%d tokens with condition %v, want 14x10 from depth.png", g.W, g.H, res[0].Params["condition"])
	}
}

func TestSamplerWithAFirstStageOnly(t *testing.T) {
	v, _, w := studioWith(t, "vqgan", "Sample")
	s := viewOf[*sampleView](t, v)
	if !showsText(w, "VQGAN first stage only: it cannot sample") {
		t.Errorf("no reason shown: %v", visibleTexts(w))
	}
	Sync(func() {
		if !s.start.Disabled() {
			t.Error("Sample is enabled for a first stage")
		}
		if _, err := s.request(); err == nil || !strings.Contains(err.Error(), "cannot sample") {
			t.Errorf("request: %v", err)
		}
	})
}
