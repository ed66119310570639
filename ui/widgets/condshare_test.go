package widgets

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"tessera/engine/data/landscape"
	"tessera/engine/model"
	"tessera/engine/vqgan"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// twoPickers are the Sample and Hi-Res views' pickers on one env, for the
// tiny segmentation model: Sample's map 16×16, Hi-Res's 32×32.
func twoPickers(t *testing.T, env *view.Env, m *model.Model) (sample, hires *CondPicker) {
	sample = NewCondPicker(env, NewStatusLine(), fyne.NewSquareSize(160))
	hires = NewCondPicker(env, NewStatusLine(), fyne.NewSquareSize(160))
	uitest.Window(t, env, func() fyne.CanvasObject { return container.NewGridWithColumns(2, sample.Content(), hires.Content()) })
	view.Sync(func() {
		sample.ModelChanged(m, 16, 16)
		hires.ModelChanged(m, 32, 32)
	})
	return sample, hires
}

// waitSaved waits for the label map's pending write.
func waitSaved(t *testing.T, env *view.Env) {
	t.Helper()
	var saved <-chan struct{}
	view.Sync(func() { saved = env.Cond().Store().Saved() })
	if saved == nil {
		t.Fatal("nothing was saved")
	}
	select {
	case <-saved:
	case <-time.After(10 * time.Second):
		t.Fatal("the label map was not saved within 10 s")
	}
}

func TestSampleAndHiResShareOneMap(t *testing.T) {
	env, _ := uitest.Env(t)
	m, _ := uitest.OpenModel(t, env, "seg_transformer")
	s, h := twoPickers(t, env, m)
	view.Sync(func() {
		ps, ph := s.Painter(), h.Painter()
		// Sample paints the top left quarter label 2: Hi-Res shows it at
		// its own size.
		ps.label = 2
		ps.SetTool(ToolRectangle)
		dragMap(testCanvas(ps), ps, 0, 0, 8, 8)
		if w, hh := ph.MapSize(); w != 32 || hh != 32 {
			t.Fatalf("Hi-Res's map became %dx%d, want its own 32x32", w, hh)
		}
		if ph.labels[15*32+15] != 2 || ph.labels[16*32+16] != 0 || count(ph, 2) != 16*16 {
			t.Errorf("Hi-Res shows %d pixels of the painted label, want the quarter 256", count(ph, 2))
		}
		// Hi-Res fills the rest label 4: Sample follows; Hi-Res's undo
		// goes back for both.
		ph.label = 4
		ph.SetTool(ToolFill)
		test.TapAt(ph, at(ph, 31, 31))
		if count(ps, 4) != 16*16-8*8 || count(ps, 2) != 8*8 {
			t.Errorf("Sample shows %d pixels of Hi-Res's fill, want 192", count(ps, 4))
		}
		ph.Undo()
		if count(ps, 4) != 0 || count(ps, 2) != 8*8 {
			t.Error("Hi-Res's undo did not reach Sample")
		}
	})
}

// testCanvas is the window showing o.
func testCanvas(o fyne.CanvasObject) fyne.Window {
	for _, w := range fyne.CurrentApp().Driver().AllWindows() {
		if w.Canvas() == fyne.CurrentApp().Driver().CanvasForObject(o) {
			return w
		}
	}
	return nil
}

func TestLabelMapRestoredWhenTheModelOpensAgain(t *testing.T) {
	env, _ := uitest.Env(t)
	m, _ := uitest.OpenModel(t, env, "seg_transformer")
	s, _ := twoPickers(t, env, m)
	var painted []int
	view.Sync(func() {
		p := s.Painter()
		p.label, p.radius = 3, 2
		test.TapAt(p, at(p, 5.5, 9.5))
		painted = slices.Clone(p.labels)
	})
	waitSaved(t, env)

	// The studio again: a new env on the same app and storage.
	env2, _ := uitest.EnvOnApp(t)
	m2, _ := uitest.OpenModel(t, env2, "seg_transformer")
	s2, h2 := twoPickers(t, env2, m2)
	view.Sync(func() {
		if !slices.Equal(s2.Painter().labels, painted) {
			t.Errorf("the reopened model's map has %d pixels of label 3, want %d", count(s2.Painter(), 3), count(s.Painter(), 3))
		}
		if count(h2.Painter(), 3) != 4*count(s2.Painter(), 3) {
			t.Error("Hi-Res does not show the restored map")
		}
	})
	// Another model keeps its own (here none: label 0).
	env3, _ := uitest.EnvOnApp(t)
	m3, _ := uitest.OpenModel(t, env3, "seg_transformer")
	other := *m3
	other.WeightsPath += "-other"
	s3, _ := twoPickers(t, env3, &other)
	view.Sync(func() {
		if n := count(s3.Painter(), 0); n != 16*16 {
			t.Errorf("another model starts with %d pixels of label 0, want all: it got this model's map", n)
		}
	})
}

// landscapeModel is the tiny segmentation model made to take the ten
// landscape labels, as the built-in landscape model does; only its
// description changes (the picker never runs it).
func landscapeModel(m *model.Model) *model.Model {
	out := withNames(m, landscape.Labels...)
	out.Spec.Cond.Labels = len(landscape.Labels)
	cfg := m.CondStage.Config
	cfg.DD.InChannels = len(landscape.Labels)
	out.CondStage = &vqgan.Model{Config: cfg}
	return out
}

func TestFirstMapIsALandscapeLayout(t *testing.T) {
	env, _ := uitest.Env(t)
	m, _ := uitest.OpenModel(t, env, "seg_transformer")
	s, h := twoPickers(t, env, landscapeModel(m))
	w := testCanvas(s.Content())
	view.Sync(func() {
		want := landscapeLayout(firstLayoutSeed, 16, 16, landscape.Labels)
		if !slices.Equal(s.Painter().labels, want) {
			t.Fatal("the first map is not the landscape of the fixed seed")
		}
		if s.Painter().labels[0] != int(landscape.Sky) || count(s.Painter(), int(landscape.Sky)) == 16*16 {
			t.Error("the first map should have sky at the top and more than sky")
		}
		if count(h.Painter(), int(landscape.Sky)) == 32*32 {
			t.Error("Hi-Res does not show the layout")
		}
	})
	before := slices.Clone(s.Painter().labels)
	uitest.TapButton(t, w, "New layout")
	view.Sync(func() {
		if slices.Equal(s.Painter().labels, before) {
			t.Error("New layout drew the same map")
		}
		s.Painter().Undo()
		if !slices.Equal(s.Painter().labels, before) {
			t.Error("undo did not bring the first layout back")
		}
	})
	// A model whose labels are not the landscapes' has no New layout.
	view.Sync(func() {
		s.ModelChanged(m, 16, 16)
		h.ModelChanged(m, 32, 32)
	})
	if uitest.ShowsText(w, "New layout") {
		t.Error("New layout is offered for a model without landscape labels")
	}
}
