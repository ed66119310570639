package editor

import (
	"image"
	"path/filepath"
	"strings"
	"testing"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestEditorTracksUnsavedChangesAndKeepsSavedEdits(t *testing.T) {
	env, e, ctrl, w := newEditor(t, "vqgan")
	root := uitest.KeepOutputs(t, env)
	openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png"))
	unsaved := func() (u bool) { view.Sync(func() { u = e.Unsaved() }); return u }
	if unsaved() {
		t.Error("a grid just opened counts as unsaved")
	}
	uitest.TapButton(t, w, "Eyedropper")
	tapCell(e.view, image.Pt(0, 0))
	uitest.TapButton(t, w, "Brush")
	dragCells(w, e.view, image.Pt(0, 5), image.Pt(7, 5))
	edited := editorGrid(t, e)
	if !unsaved() {
		t.Fatal("a painted grid does not count as unsaved")
	}

	ctrl.SetAnswer(filepath.Join(t.TempDir(), "edited.png"))
	uitest.TapButton(t, w, "Export PNG…")
	uitest.WaitFor(t, func() bool { return strings.HasPrefix(e.status.Text(), "Exported") })
	if unsaved() {
		t.Error("the grid counts as unsaved after its export")
	}
	for name, g := range uitest.WaitForOutputs(t, root, 1) {
		if !g.Equal(edited) || !strings.Contains(name, "-vqgan-32x32") {
			t.Errorf("the history holds %s with another grid than the one exported", name)
		}
	}
}
