package app

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"tessera/engine/jobs"
	"tessera/engine/session"
	"tessera/ui"
	"tessera/ui/view"
)

func tiny(name string) string { return filepath.Join("..", "testdata", "taming-tiny", name) }

// withBuiltins stands fixtures in for the built-in models while the test
// runs: the tests must not depend on the models embedded in the binary.
func withBuiltins(t *testing.T, b ui.Builtins) {
	old := builtins
	t.Cleanup(func() { builtins = old })
	builtins = func() ui.Builtins { return b }
}

var fixtures = ui.Builtins{Landscape: tiny("seg_transformer"), Scenes: tiny("cin_transformer")}

// testStudio is a studio and the session behind it.
type testStudio struct {
	*studio
	sess *session.Session
}

// studioOn opens a studio on app a (sharing its preferences).
func studioOn(t *testing.T, a fyne.App) testStudio {
	t.Helper()
	sess := session.New()
	t.Cleanup(sess.Close)
	var s *studio
	view.Sync(func() { s = newStudio(a, sess, nil) })
	t.Cleanup(func() { view.Sync(s.win.Close) })
	return testStudio{s, sess}
}

// start opens the first model as Run does and returns the fixture folder
// of the model in use once it has loaded ("" when nothing was opened).
func start(t *testing.T, s testStudio, path string) string {
	t.Helper()
	var j *jobs.Job
	view.Sync(func() { j = s.openFirstModel(path) })
	if j == nil {
		return ""
	}
	<-j.Done()
	if err := j.Err(); err != nil {
		t.Fatal(err)
	}
	// modelLoaded writes the recent models: wait for all of it.
	eventually(t, "the views switched", func() bool { return !showsText(s.win.Content(), "Loading") })
	m, _ := s.sess.Model()
	return filepath.Base(filepath.Dir(filepath.Dir(m.WeightsPath)))
}

func TestStudioOpensTheBuiltinModelWhenNothingElse(t *testing.T) {
	withBuiltins(t, fixtures)
	s := studioOn(t, test.NewTempApp(t))
	if got := start(t, s, ""); got != "seg_transformer" {
		t.Errorf("with no model asked for the studio opened %q, want the built-in landscape model", got)
	}
	eventually(t, "the welcome panel", func() bool { return showsText(s.win.Content(), "Welcome to Tessera") })
}

func TestStudioOpensTheModelAskedFor(t *testing.T) {
	withBuiltins(t, fixtures)
	s := studioOn(t, test.NewTempApp(t))
	if got := start(t, s, tiny("vqgan")); got != "vqgan" {
		t.Errorf("asked for vqgan, the studio opened %q", got)
	}
}

func TestStudioReopensTheLastModelBeforeTheBuiltin(t *testing.T) {
	withBuiltins(t, fixtures)
	a := test.NewTempApp(t)
	first := studioOn(t, a)
	start(t, first, tiny("vqgan"))
	for _, m := range first.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Label == "Reopen Last Model at Start" {
				view.Sync(it.Action)
			}
		}
	}
	if got := start(t, studioOn(t, a), ""); got != "vqgan" {
		t.Errorf("with the last model to reopen the studio opened %q", got)
	}
}

func TestStudioStaysEmptyWithoutABuiltinModel(t *testing.T) {
	withBuiltins(t, ui.Builtins{})
	s := studioOn(t, test.NewTempApp(t))
	if got := start(t, s, ""); got != "" {
		t.Errorf("a binary without built-in models opened %q", got)
	}
	if m, _ := s.sess.Model(); m != nil || !showsText(s.win.Content(), "No model loaded") {
		t.Error("the studio does not show its empty state")
	}
}
