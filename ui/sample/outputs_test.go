package sample

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

func TestEverySampleIsKeptInTheOutputHistory(t *testing.T) {
	env, s, ctrl, w := newSampler(t, "cin_transformer")
	root := uitest.KeepOutputs(t, env)
	view.Sync(func() { s.settings.count.SetValue(2) })
	res := sampleOnce(t, w, s)
	kept := uitest.WaitForOutputs(t, root, 2)
	for _, r := range res {
		found := false
		for name, g := range kept {
			found = found || g.Equal(r.Grid) && strings.Contains(name, "-cin_transformer-seed")
		}
		if !found {
			t.Errorf("no history PNG holds result %v; kept %v", r.Params, kept)
		}
	}
	if !uitest.ShowsText(w, "Saved in "+root) {
		t.Errorf("the status does not say where the results went: %v", uitest.Texts(w))
	}
	uitest.TapButton(t, w, outputsText)
	view.Sync(func() {
		if len(ctrl.Shown) != 1 || ctrl.Shown[0] != root {
			t.Errorf("Outputs showed %v, want %s", ctrl.Shown, root)
		}
	})
}

func TestResultsOfAnotherModelStayMarked(t *testing.T) {
	env, s, _, w := newSampler(t, "cin_transformer")
	before := sampleOnce(t, w, s)
	uitest.OpenModel(t, env, "vqgan", s)
	view.Sync(func() {
		if got := s.gallery.Results(); len(got) != len(before) || !got[0].Grid.Equal(before[0].Grid) {
			t.Errorf("after switching model the gallery holds %d results, want the %d sampled", len(got), len(before))
		}
	})
	if !uitest.ShowsText(w, "cin_transformer (another model)\nseed") {
		t.Errorf("the old result is not marked with its model: %v", uitest.Texts(w))
	}
	if edit := uitest.FindButton(t, w, "Edit"); !uitest.Disabled(edit) {
		t.Error("a result of another codebook can still be sent to the Editor")
	}
	// Back with the model that made it, the result is editable again.
	uitest.OpenModel(t, env, "cin_transformer", s)
	if uitest.ShowsText(w, "(another model)") {
		t.Errorf("the result is still marked as another model's: %v", uitest.Texts(w))
	}
	if edit := uitest.FindButton(t, w, "Edit"); uitest.Disabled(edit) {
		t.Error("the model that made the result cannot edit it")
	}
}

func TestClearAsksFirst(t *testing.T) {
	_, s, _, w := newSampler(t, "cin_transformer")
	sampleOnce(t, w, s)
	answer := func(button string) {
		t.Helper()
		uitest.TapButton(t, w, "Clear")
		if uitest.TopOverlay(w) == nil || !uitest.ShowsText(w, widgets.ClearTitle) {
			t.Fatalf("Clear did not ask: %v", uitest.Texts(w))
		}
		uitest.Tap(uitest.Find(t, w, func(b *widget.Button) bool { return b.Text == button }))
	}
	answer("Keep them")
	view.Sync(func() {
		if len(s.gallery.Results()) == 0 {
			t.Error("declining Clear still removed the results")
		}
	})
	answer(widgets.ClearText)
	view.Sync(func() {
		if n := len(s.gallery.Results()); n != 0 {
			t.Errorf("%d results after Clear", n)
		}
	})
}
