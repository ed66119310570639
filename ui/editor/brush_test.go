package editor

import (
	"image"
	"strings"
	"testing"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestEditorResetsABrushCodeTheNewModelLacks(t *testing.T) {
	env, e, _, _ := newEditor(t, "vqgan")
	m, card := env.Session.Model()
	small := *card
	small.CodebookSize = 16
	view.Sync(func() {
		e.setCode(50)
		e.ModelChanged(m, &small)
		if e.code != 0 || e.codeEntry.Text != "0" {
			t.Errorf("after opening a 16-code model the brush code is %d (entry %q), want 0", e.code, e.codeEntry.Text)
		}
		if !strings.Contains(e.status.Text(), "The brush code 50 is not among them") {
			t.Errorf("status %q does not say the brush code changed", e.status.Text())
		}
		e.setCode(7)
		e.ModelChanged(m, card)
		if e.code != 7 {
			t.Errorf("a code the new model has was changed to %d", e.code)
		}
	})
}

func TestEditorNeverPaintsAnUnknownCodeAndUndoClearsTheError(t *testing.T) {
	_, e, ctrl, w := newEditor(t, "vqgan")
	orig := openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png"))
	view.Sync(func() { e.setCode((orig.At(3, 3) + 1) % e.card.CodebookSize) })
	tapCell(e.view, image.Pt(3, 3))
	painted := editorGrid(t, e)
	view.Sync(func() { e.code = 500 }) // as a stale brush from another model had it
	tapCell(e.view, image.Pt(4, 4))
	view.Sync(func() {
		if !e.grid.Equal(painted) {
			t.Error("code 500 was painted into a 64-code grid")
		}
		if !strings.Contains(e.status.Text(), "brush code 500") {
			t.Errorf("status %q does not say why nothing was painted", e.status.Text())
		}
	})
	uitest.TapButton(t, w, "Undo")
	if g := editorGrid(t, e); !g.Equal(orig) {
		t.Error("undo did not restore the grid")
	}
	view.Sync(func() {
		if strings.Contains(e.status.Text(), "brush code 500") {
			t.Errorf("the error outlived Undo: %q", e.status.Text())
		}
	})
}
