package ui

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// fixtureBuiltins stand in for the built-in models, which the tests must
// not depend on: the tiny segmentation model for the landscape model, the
// tiny class-conditional one for the scenes.
func fixtureBuiltins() Builtins {
	return Builtins{Landscape: uitest.Tiny("seg_transformer"), Scenes: uitest.Tiny("cin_transformer")}
}

func setBuiltins(v *MainView, b Builtins) { view.Sync(func() { v.SetBuiltins(b) }) }

// openDefault opens the (fixture) built-in landscape model and waits for
// the views to switch to it.
func openDefault(t *testing.T, v *MainView) {
	t.Helper()
	var j *jobs.Job
	view.Sync(func() { j = v.OpenDefaultModel() })
	if j == nil {
		t.Fatal("no built-in model to open")
	}
	uitest.WaitJob(t, j)
	uitest.WaitFor(t, func() bool { return !strings.HasPrefix(v.status.model.Text(), "Loading") })
}

// inUse is the directory of the fixture model in use ("" for none).
func inUse(v *MainView) string {
	m, _ := v.env.Session.Model()
	if m == nil {
		return ""
	}
	return filepath.Base(filepath.Dir(filepath.Dir(m.WeightsPath)))
}

func welcomeShown(v *MainView) (shown bool) {
	view.Sync(func() { shown = v.welcome.box.Visible() })
	return shown
}

func selected(v *MainView) (title string) {
	view.Sync(func() { title = v.tabs.Selected().Text })
	return title
}

func TestBuiltinModelsOfTheBinary(t *testing.T) {
	all := builtinsOf(func(string) bool { return true })
	if all.Landscape != model.DefaultModel || all.Scenes != model.DefaultScenes {
		t.Errorf("a binary with every model offers %+v", all)
	}
	var labels []string
	for _, it := range all.items() {
		labels = append(labels, it.label)
		if it.path == model.DefaultClassifier {
			t.Error("the pixel classifier is offered")
		}
	}
	if want := []string{builtinLandscapeText, builtinScenesText}; !slices.Equal(labels, want) {
		t.Errorf("the menu would list %v, want %v", labels, want)
	}
	if none := builtinsOf(func(string) bool { return false }); none != (Builtins{}) || len(none.items()) != 0 {
		t.Errorf("a binary without models offers %+v", none)
	}
}

func TestBuiltinModelMenu(t *testing.T) {
	v, _, w := newTestWindow(t)
	item := menuItems(w, "File")[builtinMenuText]
	if item == nil {
		t.Fatalf("File has no %q", builtinMenuText)
	}
	view.Sync(func() {
		if !item.Disabled || len(item.ChildMenu.Items) != 1 || item.ChildMenu.Items[0].Label != noBuiltinText {
			t.Errorf("without built-in models the item is enabled (%v) or lists %v", !item.Disabled, item.ChildMenu.Items)
		}
	})
	if it := menuItems(w, "Help")[gettingStarted]; it == nil || !it.Disabled {
		t.Error("Help > Getting Started is offered without a built-in model")
	}

	setBuiltins(v, fixtureBuiltins())
	var labels []string
	var items []*fyne.MenuItem
	view.Sync(func() {
		items = item.ChildMenu.Items
		for _, it := range items {
			labels = append(labels, it.Label)
		}
		if item.Disabled {
			t.Error("the item is greyed out with built-in models")
		}
	})
	if want := []string{builtinLandscapeText, builtinScenesText}; !slices.Equal(labels, want) {
		t.Fatalf("File > %s lists %v, want %v", builtinMenuText, labels, want)
	}
	// Choosing one opens it, and the menu checks it.
	view.Sync(items[1].Action)
	uitest.WaitFor(t, func() bool {
		c := item.ChildMenu.Items
		return inUse(v) == "cin_transformer" && c[1].Checked && !c[0].Checked
	})
	view.Sync(items[0].Action)
	uitest.WaitFor(t, func() bool { return inUse(v) == "seg_transformer" && item.ChildMenu.Items[0].Checked })

	// Only the scenes model: one entry.
	setBuiltins(v, Builtins{Scenes: uitest.Tiny("cin_transformer")})
	view.Sync(func() {
		if c := item.ChildMenu.Items; len(c) != 1 || c[0].Label != builtinScenesText {
			t.Errorf("with the scenes model alone the menu lists %d items", len(c))
		}
	})
}

func TestEmptyStateOffersTheBuiltinModel(t *testing.T) {
	v, _, w := newTestWindow(t)
	if uitest.ShowsText(w, openBuiltinText) {
		t.Fatal("the empty state offers a built-in model the binary lacks")
	}
	setBuiltins(v, fixtureBuiltins())
	selectTab(v, "Editor")
	uitest.TapButton(t, w, openBuiltinText)
	uitest.WaitFor(t, func() bool { return inUse(v) == "seg_transformer" && v.views[1].ready() })
	if uitest.ShowsText(w, openBuiltinText) {
		t.Error("the button stays once a model is loaded")
	}
}

func TestWelcomePanel(t *testing.T) {
	v, _, w := newTestWindow(t)
	setBuiltins(v, fixtureBuiltins())
	if welcomeShown(v) {
		t.Fatal("the welcome panel is shown before any model")
	}
	openDefault(t, v)
	if !welcomeShown(v) || !uitest.ShowsText(w, welcomeText) {
		t.Fatalf("the built-in model is loaded but the welcome panel is not shown: %v", uitest.Texts(w))
	}
	for _, text := range []string{paintText, sceneText, exploreText, dismissText} {
		uitest.FindButton(t, w, text)
	}

	// Paint a landscape: the Sample view, with the label painter.
	uitest.TapButton(t, w, paintText)
	if selected(v) != "Sample" {
		t.Fatalf("Paint a landscape shows %s", selected(v))
	}
	painter := uitest.Find(t, w, func(*widgets.SegPainter) bool { return true })
	if inUse(v) != "seg_transformer" || painter == nil {
		t.Error("Paint a landscape changed the model")
	}

	// Explore the codebook.
	uitest.TapButton(t, w, exploreText)
	if selected(v) != "Codebook" {
		t.Fatalf("Explore the codebook shows %s", selected(v))
	}

	// Sample a scene: the scenes model, then the Sample view with its class
	// picker. The panel stays: the scenes model is built in too.
	uitest.TapButton(t, w, sceneText)
	uitest.WaitFor(t, func() bool { return inUse(v) == "cin_transformer" && v.tabs.Selected().Text == "Sample" })
	class := uitest.Find(t, w, func(*widget.Select) bool { return true })
	view.Sync(func() {
		if len(class.Options) != 10 {
			t.Errorf("the class picker offers %v", class.Options)
		}
	})
	if !welcomeShown(v) {
		t.Error("the welcome panel left with the scenes model")
	}
	// Paint a landscape from there opens the landscape model again.
	uitest.TapButton(t, w, exploreText)
	uitest.TapButton(t, w, paintText)
	uitest.WaitFor(t, func() bool { return inUse(v) == "seg_transformer" && v.tabs.Selected().Text == "Sample" })

	// Another model: no welcome.
	loadModel(t, v, "vqgan")
	if welcomeShown(v) {
		t.Error("the welcome panel is shown for a model of one's own")
	}
}

func TestWelcomePanelOffersTheModelsThereAre(t *testing.T) {
	v, _, w := newTestWindow(t)
	setBuiltins(v, Builtins{Landscape: uitest.Tiny("seg_transformer")})
	openDefault(t, v)
	texts := uitest.Texts(w)
	if !texts[paintText] || !texts[exploreText] || texts[sceneText] {
		t.Errorf("without a scenes model the panel offers %v", texts)
	}
	// The scenes model alone: its panel cannot paint.
	setBuiltins(v, Builtins{Scenes: uitest.Tiny("cin_transformer")})
	view.Sync(func() { v.showGettingStarted() })
	uitest.WaitFor(t, func() bool { return inUse(v) == "cin_transformer" && v.welcome.box.Visible() })
	texts = uitest.Texts(w)
	if texts[paintText] || !texts[sceneText] || !texts[exploreText] {
		t.Errorf("with the scenes model alone the panel offers %v", texts)
	}
}

func TestWelcomeDismissalIsRemembered(t *testing.T) {
	v, _, w := newTestWindow(t)
	setBuiltins(v, fixtureBuiltins())
	openDefault(t, v)
	uitest.TapButton(t, w, dismissText)
	if welcomeShown(v) || !welcomeDismissed() {
		t.Fatal("Dismiss did not hide the panel for good")
	}

	// A new studio window (same preferences) does not show it.
	v2, _, _ := newTestWindowOnApp(t)
	setBuiltins(v2, fixtureBuiltins())
	openDefault(t, v2)
	if welcomeShown(v2) {
		t.Fatal("the dismissed panel came back in the next run")
	}

	// Help > Getting Started brings it back, opening the built-in model
	// when another is in use.
	loadModel(t, v2, "vqgan")
	view.Sync(menuItems(v2.env.Window, "Help")[gettingStarted].Action)
	uitest.WaitFor(t, func() bool { return inUse(v2) == "seg_transformer" && v2.welcome.box.Visible() })
	if welcomeDismissed() {
		t.Error("Getting Started leaves the panel dismissed")
	}
}

// A pixel classifier, from any path (Open Model, a recent model), is
// refused with an error naming it and what it is for; the model in use
// stays.
func TestClassifierIsRefusedKeepingTheModel(t *testing.T) {
	v, _, w := newTestWindow(t)
	loadModel(t, v, "vqgan")
	classifier := uitest.Classifier(t)
	rememberModel(classifier) // as if opened by an older studio
	view.Sync(func() { v.menu.refresh(v) })
	for _, open := range []func(){
		func() { v.LoadModel(classifier) },
		v.menu.recent.ChildMenu.Items[0].Action,
	} {
		view.Sync(open)
		uitest.WaitFor(t, func() bool { return w.Canvas().Overlays().Top() != nil })
		for _, part := range []string{"ould not open " + classifier, "is a pixel classifier, used by `tessera landscape --classify`"} {
			if !uitest.ShowsText(w, part) {
				t.Errorf("the error does not say %q: %v", part, uitest.Texts(w))
			}
		}
		uitest.TapButton(t, w, "OK")
		uitest.WaitFor(t, func() bool { return w.Canvas().Overlays().Top() == nil })
		view.Sync(func() {
			if !strings.Contains(v.status.model.Text(), "VQGAN, 64 codes") || inUse(v) != "vqgan" {
				t.Errorf("after the refusal the status bar says %q", v.status.model.Text())
			}
		})
	}
}

func TestBuiltinModelsInRecent(t *testing.T) {
	newTestWindow(t)
	rememberModel(model.DefaultModel)
	if got := recentModels(); len(got) != 1 || got[0] != model.DefaultModel {
		t.Errorf("a built-in model is remembered as %v", got)
	}
	if got := recentLabel(model.DefaultModel); got != "landscape — built-in" {
		t.Errorf("File > Open Recent shows it as %q", got)
	}
}
