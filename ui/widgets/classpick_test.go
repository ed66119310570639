package widgets

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/model"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// imageNetModel is the tiny class model made to take 1000 unnamed classes,
// as taming's ImageNet transformer does; only its description changes.
func imageNetModel(m *model.Model) *model.Model {
	out := withNames(m)
	out.Spec.Cond.Classes = 1000
	return out
}

func TestImageNetNamesAreComplete(t *testing.T) {
	names := classNames(imageNetModel(&model.Model{Spec: model.Spec{Cond: &model.CondSpec{}}}))
	if len(names) != 1000 {
		t.Fatalf("%d ImageNet names, want 1000", len(names))
	}
	for i, want := range map[int]string{0: "tench", 1: "goldfish", 207: "golden retriever", 281: "tabby", 409: "analog clock", 980: "volcano", 999: "toilet tissue"} {
		if names[i] != want {
			t.Errorf("ImageNet class %d is %q, want %q", i, names[i], want)
		}
	}
	if slices.Contains(names, "") {
		t.Error("an ImageNet name is empty")
	}
}

func TestClassSearchFindsByNameAndNumber(t *testing.T) {
	env, _ := uitest.Env(t)
	c := NewCondPicker(env, NewStatusLine(), fyne.NewSquareSize(200))
	w := uitest.Window(t, env, c.Content)
	m, _ := uitest.OpenModel(t, env, "cin_transformer")
	view.Sync(func() { c.ModelChanged(imageNetModel(m), 16, 16) })
	search := uitest.Find(t, w, func(*widget.Entry) bool { return true })
	list := uitest.Find(t, w, func(*widget.Select) bool { return true })
	view.Sync(func() {
		if len(list.Options) != 1000 || list.Options[281] != "281 · tabby" {
			t.Fatalf("the picker offers %d classes, 281 as %q", len(list.Options), list.Options[281])
		}
		test.Type(search, "TABBY")
		if !slices.Equal(list.Options, []string{"281 · tabby"}) {
			t.Errorf("a search for TABBY offers %v", list.Options)
		}
		search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if cond, err := c.Condition(); err != nil || *cond.Class != 281 {
			t.Errorf("Enter chose class %v (%v), want 281", cond.Class, err)
		}

		search.SetText("retriever")
		if len(list.Options) != 5 || list.Options[0] != "205 · flat-coated retriever" {
			t.Errorf("a search for retriever offers %v", list.Options)
		}
		// The choice stays shown while the list shows other classes.
		if list.Selected != "281 · tabby" {
			t.Errorf("the picker shows %q while searching, want the chosen tabby", list.Selected)
		}
		search.SetText("980")
		if len(list.Options) == 0 || list.Options[0] != "980 · volcano" {
			t.Errorf("a search for 980 offers %v first", list.Options)
		}
		list.SetSelected("980 · volcano")
		if cond, _ := c.Condition(); *cond.Class != 980 {
			t.Errorf("choosing the volcano gives class %d", *cond.Class)
		}
		search.SetText("no such thing")
		if len(list.Options) != 0 {
			t.Errorf("a search for nothing offers %v", list.Options)
		}
	})
	if !uitest.ShowsText(w, `No class matches "no such thing"`) {
		t.Error("an empty search does not say so")
	}
}

func TestSampleAndHiResShareOneClass(t *testing.T) {
	env, _ := uitest.Env(t)
	s := NewCondPicker(env, NewStatusLine(), fyne.NewSquareSize(200))
	h := NewCondPicker(env, NewStatusLine(), fyne.NewSquareSize(200))
	uitest.Window(t, env, func() fyne.CanvasObject { return container.NewGridWithColumns(2, s.Content(), h.Content()) })
	m, _ := uitest.OpenModel(t, env, "cin_transformer")
	view.Sync(func() {
		s.ModelChanged(m, 16, 16)
		s.class.list.SetSelected("7")
		h.ModelChanged(m, 32, 32) // Hi-Res opens the model after Sample chose
		if h.class.list.Selected != "7" {
			t.Errorf("Hi-Res shows class %q, want Sample's 7", h.class.list.Selected)
		}
		h.class.list.SetSelected("4")
		if cond, _ := s.Condition(); *cond.Class != 4 || s.class.list.Selected != "4" {
			t.Errorf("Sample samples class %d and shows %q after Hi-Res chose 4", *cond.Class, s.class.list.Selected)
		}
		// Reusing a result's class (SetClass) reaches Hi-Res too.
		if !s.SetClass(2) || h.class.list.Selected != "2" {
			t.Errorf("after Sample reused class 2 Hi-Res shows %q", h.class.list.Selected)
		}
		// Another model starts again at class 0.
		other := *m
		other.WeightsPath += "-other"
		s.ModelChanged(&other, 16, 16)
		if cond, _ := s.Condition(); *cond.Class != 0 {
			t.Errorf("another model starts at class %d", *cond.Class)
		}
	})
}
