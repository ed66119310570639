package ui

import (
	"regexp"
	"testing"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestANewStudioBringsBackTodaysResults(t *testing.T) {
	root := t.TempDir()
	first, _, w1 := newTestWindow(t)
	view.Sync(func() { first.SetOutputs(root) })
	loadModel(t, first, "cin_transformer")
	selectTab(first, "Sample")
	uitest.TapButton(t, w1, "Sample")
	uitest.WaitForText(t, w1, "Sampled 1 result(s).")
	var seed string
	for name := range uitest.WaitForOutputs(t, root, 1) {
		seed = regexp.MustCompile(`-seed(\d+)-`).FindStringSubmatch(name)[1]
	}

	// A restart: another main view over the same history, with a model
	// of another codebook in use.
	second, _, w2 := newTestWindowOnApp(t)
	view.Sync(func() { second.SetOutputs(root) })
	loadModel(t, second, "vqgan")
	selectTab(second, "Sample")
	uitest.WaitForText(t, w2, "Brought back 1 of today's result(s)")
	if !uitest.ShowsText(w2, "cin_transformer (another model)\nseed "+seed+" #0") {
		t.Errorf("the result of seed %s is not back, marked with its model: %v", seed, uitest.Texts(w2))
	}
}
