package outputs

import (
	"fmt"
	"image"
	"path/filepath"
	"testing"
	"time"

	"tessera/engine/imgio"
	"tessera/engine/tokens"
)

func TestSaveWritesADatedPNGThatRestoresTheGrid(t *testing.T) {
	f := Folder{Root: t.TempDir()}
	at := time.Date(2026, 12, 2, 14, 5, 9, 0, time.Local)
	img := image.NewNRGBA(image.Rect(0, 0, 8, 4))
	g := tokens.Grid{W: 2, H: 1, Codes: []int{3, 5}}
	params := map[string]any{"model": "/runs/forest/checkpoints/last.ckpt", "seed": int64(42)}
	first, err := f.Save(at, img, g, params)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(f.Root, "2026-12-02", "140509-forest-seed42-8x4.png")
	if first != want {
		t.Errorf("saved as %s, want %s", first, want)
	}
	got, p, err := imgio.GridFromPNG(first)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(g) || fmt.Sprint(p["seed"]) != "42" {
		t.Errorf("read back %v with %v", got, p)
	}
	// A second result in the same second keeps the first.
	second, err := f.Save(at, img, g, params)
	if err != nil {
		t.Fatal(err)
	}
	if second == first || filepath.Base(second) != "140509-forest-seed42-8x4-2.png" {
		t.Errorf("second result saved as %s", second)
	}
}

func TestModelName(t *testing.T) {
	for path, want := range map[string]string{
		"builtin:landscape":                   "landscape",
		"/m/cin.safetensors":                  "cin",
		"/logs/run1/checkpoints/last.ckpt":    "run1",
		"/logs/run1/checkpoints/epoch=3.ckpt": "run1-epoch=3",
	} {
		if got := ModelName(path); got != want {
			t.Errorf("ModelName(%q) = %q, want %q", path, got, want)
		}
	}
	if got := FileName(nil, map[string]any{"model": "a b/c d.ckpt", "seed": 1}); got != "c_d-seed1" {
		t.Errorf("FileName = %q", got)
	}
}
