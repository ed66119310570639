package data

import (
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// write saves img at dir/rel (folders made as needed): JPEG when rel ends
// in .jpg or .jpeg in any case, PNG otherwise whatever the name.
func write(t *testing.T, dir, rel string, img image.Image) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	switch strings.ToLower(filepath.Ext(rel)) {
	case ".jpg", ".jpeg":
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 95})
	default:
		err = png.Encode(f, img)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// noise is a w x h opaque image of varied colours.
func noise(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range w * h {
		img.Pix[4*i] = uint8(i * 37)
		img.Pix[4*i+1] = uint8(i*91 + 13)
		img.Pix[4*i+2] = uint8(i * i)
		img.Pix[4*i+3] = 0xff
	}
	return img
}

// labelMap is a w x h 8-bit grey label map with value f(x, y).
func labelMap(w, h int, f func(x, y int) int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetGray(x, y, color.Gray{Y: uint8(f(x, y))})
		}
	}
	return img
}

func scan(t *testing.T, dir string, opt ScanOptions) *Set {
	t.Helper()
	s, err := Scan(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func load(t *testing.T, s *Set, i int, c Crop, seed int64, batch, pos int) *Example {
	t.Helper()
	ex, err := s.Load(i, c, seed, batch, pos)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// wantErr fails unless err's message is exactly want.
func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Fatalf("error %v\nwant %q", err, want)
	}
}

func rels(s *Set) []string {
	out := make([]string, len(s.Items))
	for i, it := range s.Items {
		out[i] = it.Rel
	}
	return out
}
