package sample

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// cardButtons are the gallery's buttons with the given text, newest
// result first.
func cardButtons(w fyne.Window, text string) []*widget.Button {
	var out []*widget.Button
	view.Sync(func() {
		uitest.Shown(w.Content(), func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Text == text {
				out = append(out, b)
			}
		})
	})
	return out
}

// dialogImages are the images the dialog over w shows.
func dialogImages(w fyne.Window) []image.Image {
	var out []image.Image
	view.Sync(func() {
		uitest.Shown(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if c, ok := o.(*canvas.Image); ok && c.Image != nil {
				out = append(out, c.Image)
			}
		})
	})
	return out
}

func TestEnlargeShowsTheResultInADialog(t *testing.T) {
	_, s, _, w := newSampler(t, "cin_transformer")
	view.Sync(func() { s.settings.count.SetValue(2) })
	res := sampleOnce(t, w, s)
	uitest.Tap(cardButtons(w, widgets.EnlargeText)[1])
	if !uitest.ShowsText(w, widgets.EnlargeTitle) {
		t.Fatalf("Enlarge opened no dialog: %v", uitest.Texts(w))
	}
	imgs := dialogImages(w)
	if len(imgs) != 1 || imgs[0] != image.Image(res[1].Image) {
		t.Errorf("the dialog shows %d images, want result #1's", len(imgs))
	}
	view.Sync(func() {
		var shown *canvas.Image
		uitest.Shown(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if c, ok := o.(*canvas.Image); ok {
				shown = c
			}
		})
		if m := shown.MinSize(); m.Width < float32(res[1].Image.Bounds().Dx()*2) {
			t.Errorf("a %v result is shown %v big: not enlarged", res[1].Image.Bounds(), m)
		}
	})
}

func TestComparePutsTwoPickedResultsSideBySide(t *testing.T) {
	_, s, _, w := newSampler(t, "cin_transformer")
	view.Sync(func() { s.settings.count.SetValue(3) })
	res := sampleOnce(t, w, s)
	uitest.Tap(cardButtons(w, widgets.CompareText)[0])
	if uitest.TopOverlay(w) != nil || !uitest.ShowsText(w, "Pick another result") {
		t.Fatalf("one pick opened a dialog or said nothing: %v", uitest.Texts(w))
	}
	if b := cardButtons(w, widgets.CompareText)[0]; b.Importance != widget.HighImportance {
		t.Error("the picked card is not marked")
	}
	uitest.Tap(cardButtons(w, widgets.CompareText)[2])
	if !uitest.ShowsText(w, widgets.CompareTitle) {
		t.Fatalf("the second pick opened no dialog: %v", uitest.Texts(w))
	}
	view.Sync(func() {
		if s.status.Text() != "" {
			t.Errorf("the status still says %q", s.status.Text())
		}
	})
	imgs := dialogImages(w)
	if len(imgs) != 2 || imgs[0] != image.Image(res[0].Image) || imgs[1] != image.Image(res[2].Image) {
		t.Errorf("the dialog shows %d images, want results #0 and #2 in that order", len(imgs))
	}
}

func TestReuseFromTheGallerySetsTheSeed(t *testing.T) {
	_, s, _, w := newSampler(t, "cin_transformer")
	class := uitest.Find(t, w, func(*widget.Select) bool { return true })
	view.Sync(func() {
		class.SetSelected("4")
		s.settings.topP.SetValue(0.8)
	})
	res := sampleOnce(t, w, s)
	view.Sync(func() {
		class.SetSelected("1")
		s.settings.topP.SetValue(1)
	})
	uitest.Tap(cardButtons(w, widgets.ReuseText)[0])
	view.Sync(func() {
		req, err := s.request()
		if err != nil || req.Options.Seed != res[0].Params["seed"] || s.settings.seed.Random.Checked ||
			req.Options.Filter.TopP != 0.8 || *req.Cond.Class != 4 {
			t.Errorf("after Reuse the view asks for %+v class %v (err %v), random seed %v; the result had %v",
				req.Options, *req.Cond.Class, err, s.settings.seed.Random.Checked, res[0].Params)
		}
	})
}

func TestHistoryButtonOpensTheBrowser(t *testing.T) {
	env, _, _, w := newSampler(t, "cin_transformer")
	opened := 0
	view.Sync(func() { env.ShowHistory = func() { opened++ } })
	uitest.TapButton(t, w, historyText)
	if opened != 1 {
		t.Errorf("History opened the browser %d times", opened)
	}
}
