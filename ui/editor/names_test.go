package editor

import (
	"slices"
	"testing"

	"tessera/ui/internal/uitest"
)

func TestEditorSuggestsModelAndSizeAsFileNames(t *testing.T) {
	_, e, ctrl, w := newEditor(t, "vqgan")
	openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png"))
	ctrl.SetAnswer("") // cancel both dialogs: only their suggestions matter
	uitest.TapButton(t, w, "Save grid…")
	uitest.TapButton(t, w, "Export PNG…")
	if want := []string{"vqgan-32x32.json", "vqgan-32x32.png"}; !slices.Equal(ctrl.Names, want) {
		t.Errorf("suggested %v, want %v", ctrl.Names, want)
	}
}
