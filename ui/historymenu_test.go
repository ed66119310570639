package ui

import (
	"image"
	"testing"
	"time"

	"tessera/engine/outputs"
	"tessera/engine/tokens"
	"tessera/ui/history"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestFileHistoryOpensTheBrowser(t *testing.T) {
	v, _, w := newTestWindow(t)
	item := menuItems(w, "File")[historyText]
	if item == nil || !item.Disabled {
		t.Fatalf("File > %s without an output history: %v", historyText, item)
	}
	root := t.TempDir()
	at := time.Date(2026, 12, 2, 8, 30, 0, 0, time.Local)
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	if _, err := (outputs.Folder{Root: root}).Save(at, img, tokens.Grid{W: 1, H: 1, Codes: []int{0}}, map[string]any{"model": "builtin:landscape", "seed": 77}); err != nil {
		t.Fatal(err)
	}
	view.Sync(func() { v.SetOutputs(root) })
	if item.Disabled {
		t.Fatal("File > History is disabled with an output history")
	}
	view.Sync(item.Action)
	if uitest.TopOverlay(w) == nil || !uitest.ShowsText(w, history.Title) {
		t.Fatalf("no History dialog: %v", uitest.Texts(w))
	}
	uitest.WaitForText(t, w, "08:30:00 · landscape · seed 77")
}
