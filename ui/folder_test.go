package ui

import (
	"path/filepath"
	"slices"
	"testing"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestOpenFolderOpensALogDirectory(t *testing.T) {
	v, ctrl, w := newTestWindow(t)
	dir := uitest.Tiny("vqgan")
	ctrl.SetAnswer(dir)
	open := menuItems(w, "File")[folderText]
	if open == nil {
		t.Fatalf("File menu has no %q", folderText)
	}
	view.Sync(open.Action)
	uitest.WaitFor(t, func() bool {
		m, _ := v.env.Session.Model()
		return m != nil && len(recentModels()) == 1
	})
	if !slices.Equal(ctrl.Picks, []string{"Open a Model Folder"}) {
		t.Errorf("pickers asked: %v", ctrl.Picks)
	}
	// The folder, not the checkpoint inside it, is what Open Recent reopens.
	if got := recentModels()[0]; got != abs(t, dir) {
		t.Errorf("remembered %q, want the folder %q", got, abs(t, dir))
	}
}

func TestOpenFolderWithoutAModelNamesIt(t *testing.T) {
	v, ctrl, w := newTestWindow(t)
	dir := t.TempDir()
	ctrl.SetAnswer(dir)
	view.Sync(v.openFolder)
	uitest.WaitForText(t, w, dir+": no model in this folder")
	if len(recentModels()) != 0 {
		t.Errorf("a folder without a model was remembered: %v", recentModels())
	}
}

func TestOpenFolderCancelledOpensNothing(t *testing.T) {
	v, ctrl, _ := newTestWindow(t)
	view.Sync(v.openFolder) // the recorder answers "": cancelled
	view.Sync(func() {
		if len(ctrl.Picks) != 1 || v.status.model.Text() != "No model loaded" {
			t.Errorf("picks %v, status %q", ctrl.Picks, v.status.model.Text())
		}
	})
}

func TestRecentLabelNamesATamingRunByItsFolder(t *testing.T) {
	runs := filepath.Join("/data", "logs")
	ckpt := filepath.Join(runs, "2021-01-01T00-00-00_imagenet_vqgan", "checkpoints", "last.ckpt")
	if got, want := recentLabel(ckpt), "2021-01-01T00-00-00_imagenet_vqgan (last.ckpt) — "+runs; got != want {
		t.Errorf("recentLabel(%s) = %q, want %q", ckpt, got, want)
	}
	plain := filepath.Join("/data", "models", "vqgan.ckpt")
	if got, want := recentLabel(plain), "vqgan.ckpt — "+filepath.Dir(plain); got != want {
		t.Errorf("recentLabel(%s) = %q, want %q", plain, got, want)
	}
}
