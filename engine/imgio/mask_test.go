package imgio

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeMask(t *testing.T, w, h int, on func(x, y int) bool) string {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if on(x, y) {
				img.SetGray(x, y, color.Gray{255})
			}
		}
	}
	p := filepath.Join(t.TempDir(), "mask.png")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadMaskTokenAndPixelSized(t *testing.T) {
	m, err := LoadMask(writeMask(t, 4, 3, func(x, y int) bool { return x == 2 && y == 1 }), 4, 3, 16)
	if err != nil {
		t.Fatal(err)
	}
	if m.Count() != 1 || !m.At(2, 1) {
		t.Fatalf("token-sized mask marks %d tokens", m.Count())
	}
	// One lit pixel inside token (3, 0) of a 4x3 grid at factor 4.
	m, err = LoadMask(writeMask(t, 16, 12, func(x, y int) bool { return x == 13 && y == 2 }), 4, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	if m.Count() != 1 || !m.At(3, 0) {
		t.Fatalf("pixel-sized mask marks %d tokens", m.Count())
	}
	_, err = LoadMask(writeMask(t, 5, 5, func(x, y int) bool { return true }), 4, 3, 4)
	if err == nil || !strings.Contains(err.Error(), "5x5") {
		t.Fatalf("wrong-size mask: %v", err)
	}
}
