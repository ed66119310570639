package ui

import (
	"image"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"tessera/engine/tokens"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// editInEditor gives the Editor a grid and paints one of its cells with
// the brush, leaving a change that is not saved.
func editInEditor(t *testing.T, v *MainView, w fyne.Window) tokens.Grid {
	t.Helper()
	g := tokens.New(8, 8)
	g.Set(2, 3, 17)
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32)) // the tiny VQGAN's 4 pixels a token
	view.Sync(func() { v.env.SendToEditor(g, img, map[string]any{"operation": "sample"}) })
	grid := uitest.Find(t, w, func(*widgets.GridView) bool { return true })
	view.Sync(func() { test.TapAt(grid, grid.CellCentre(image.Pt(2, 3))) })
	var edited tokens.Grid
	uitest.WaitFor(t, func() bool {
		cur, ok := v.env.CurrentGrid()
		edited = cur
		return ok && !cur.Equal(g)
	})
	return edited
}

// answer taps a button of the dialog over w.
func answer(t *testing.T, w fyne.Window, button string) {
	t.Helper()
	if uitest.TopOverlay(w) == nil || !uitest.ShowsText(w, discardTitle) {
		t.Fatalf("no question about unsaved changes; texts: %v", uitest.Texts(w))
	}
	uitest.TapButton(t, w, button)
}

func TestSwitchingModelWithUnsavedEditsAsks(t *testing.T) {
	v, _, w := newTestWindow(t)
	loadModel(t, v, "vqgan")
	edited := editInEditor(t, v, w)
	if j := loadPath(v, uitest.Tiny("cin_transformer")); j != nil {
		t.Fatal("another model started loading without asking")
	}
	answer(t, w, keepText)
	view.Sync(func() {
		if m, _ := v.env.Session.Model(); !strings.Contains(m.WeightsPath, "vqgan") {
			t.Errorf("declining switched the model to %s", m.WeightsPath)
		}
		if g, ok := v.env.CurrentGrid(); !ok || !g.Equal(edited) {
			t.Error("declining lost the edit")
		}
	})
	loadPath(v, uitest.Tiny("cin_transformer"))
	answer(t, w, discardText)
	uitest.WaitFor(t, func() bool {
		m, _ := v.env.Session.Model()
		return strings.Contains(m.WeightsPath, "cin_transformer") && strings.Contains(v.status.model.Text(), "cin_transformer")
	})
}

func TestQuittingWithUnsavedEditsAsks(t *testing.T) {
	v, _, w := newTestWindow(t)
	loadModel(t, v, "vqgan")
	closed := 0
	quit := func() { view.Sync(func() { v.ConfirmClose(func() { closed++ }) }) }
	quit()
	if closed != 1 {
		t.Fatal("quitting with nothing unsaved did not close at once")
	}
	editInEditor(t, v, w)
	quit()
	answer(t, w, keepText)
	if closed != 1 {
		t.Error("declining closed the studio")
	}
	quit()
	answer(t, w, discardText)
	if closed != 2 {
		t.Error("discarding the changes did not close the studio")
	}
}

func TestShowOutputsFolder(t *testing.T) {
	v, ctrl, w := newTestWindow(t)
	item := menuItems(w, "File")[outputsText]
	if item == nil {
		t.Fatalf("File menu lacks %q", outputsText)
	}
	if !item.Disabled {
		t.Error("Show Outputs Folder is enabled without an output history")
	}
	root := filepath.Join(t.TempDir(), "outputs")
	view.Sync(func() { v.SetOutputs(root) })
	if item.Disabled {
		t.Fatal("Show Outputs Folder is disabled with an output history")
	}
	view.Sync(item.Action)
	if len(ctrl.Shown) != 1 || ctrl.Shown[0] != root {
		t.Errorf("the menu showed %v, want %s", ctrl.Shown, root)
	}
}

func TestSendingAGridOverUnsavedEditsAsks(t *testing.T) {
	v, _, w := newTestWindow(t)
	loadModel(t, v, "vqgan")
	edited := editInEditor(t, v, w)
	other := tokens.New(8, 8)
	other.Set(0, 0, 5)
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	send := func() { view.Sync(func() { v.env.SendToEditor(other, img, map[string]any{"operation": "sample"}) }) }
	send()
	answer(t, w, keepText)
	view.Sync(func() {
		if g, ok := v.env.CurrentGrid(); !ok || !g.Equal(edited) {
			t.Error("keeping the edits replaced the Editor's grid")
		}
	})
	send()
	answer(t, w, discardText)
	uitest.WaitFor(t, func() bool {
		g, ok := v.env.CurrentGrid()
		return ok && g.Equal(other)
	})
}
