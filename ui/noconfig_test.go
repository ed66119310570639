package ui

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// lonelyCheckpoint copies a fixture's checkpoint into a folder of its own,
// with no YAML anywhere near it.
func lonelyCheckpoint(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(uitest.Tiny("vqgan", "checkpoints", "last.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "vqgan.ckpt")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestACheckpointWithoutConfigOffersAPicker(t *testing.T) {
	v, ctrl, w := newTestWindow(t)
	ckpt := lonelyCheckpoint(t)
	config := abs(t, uitest.Tiny("vqgan", "configs", "model.yaml"))
	<-loadPath(v, ckpt).Done()
	uitest.WaitForText(t, w, ckpt+" has no config")
	if uitest.ShowsText(w, "--config") {
		t.Errorf("the dialog names the command line's flag: %v", uitest.Texts(w))
	}
	ctrl.SetAnswer(config)
	uitest.TapButton(t, w, chooseConfigText)
	uitest.WaitFor(t, func() bool {
		m, _ := v.env.Session.Model()
		return m != nil && v.modelPath == ckpt
	})
	if !slices.Equal(ctrl.Picks, []string{chooseConfigTitle}) {
		t.Errorf("pickers asked: %v", ctrl.Picks)
	}
	if got := rememberedConfig(ckpt); got != config {
		t.Errorf("remembered config %q, want %q", got, config)
	}

	// Open Recent opens it again with that config, asking nothing.
	view.Sync(func() { v.modelPath = "" })
	view.Sync(v.menu.recent.ChildMenu.Items[0].Action)
	uitest.WaitFor(t, func() bool { return v.modelPath == ckpt })
	if len(ctrl.Picks) != 1 {
		t.Errorf("reopening asked again: %v", ctrl.Picks)
	}
}

func TestCancellingTheConfigPickerOpensNothing(t *testing.T) {
	v, ctrl, w := newTestWindow(t)
	ckpt := lonelyCheckpoint(t)
	<-loadPath(v, ckpt).Done()
	uitest.WaitForText(t, w, ckpt+" has no config")
	uitest.TapButton(t, w, chooseConfigText) // the recorder answers "": cancelled
	view.Sync(func() {
		if m, _ := v.env.Session.Model(); m != nil || len(ctrl.Picks) != 1 {
			t.Errorf("model %v, picks %v", m, ctrl.Picks)
		}
	})
	if len(recentModels()) != 0 {
		t.Errorf("a checkpoint that did not open was remembered: %v", recentModels())
	}
}
