package imgio

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestLoadDropsAlphaKeepingStraightColour(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for i := range src.Pix {
		src.Pix[i] = 0xff
	}
	src.SetNRGBA(3, 4, color.NRGBA{10, 200, 30, 0}) // invisible, colour kept
	src.SetNRGBA(5, 6, color.NRGBA{50, 60, 70, 128})
	img, notes, err := Load(save(t, "a.png", src), 16)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(notes, []string{"alpha channel dropped"}) {
		t.Fatalf("notes %q", notes)
	}
	for _, c := range []struct {
		x, y int
		want color.NRGBA
	}{
		{3, 4, color.NRGBA{10, 200, 30, 255}},
		{5, 6, color.NRGBA{50, 60, 70, 255}},
		{0, 0, color.NRGBA{255, 255, 255, 255}},
	} {
		if got := img.NRGBAAt(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d,%d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

func TestLoad16BitAlpha(t *testing.T) {
	src := image.NewNRGBA64(image.Rect(0, 0, 8, 8))
	for y := range 8 {
		for x := range 8 {
			src.SetNRGBA64(x, y, color.NRGBA64{0xabcd, 0x1234, 0xff00, 1})
		}
	}
	img, notes, err := Load(save(t, "a16.png", src), 8)
	if err != nil {
		t.Fatal(err)
	}
	// Through premultiplied values this near-transparent colour would be lost.
	if got, want := img.NRGBAAt(7, 7), (color.NRGBA{0xab, 0x12, 0xff, 0xff}); got != want {
		t.Fatalf("pixel %v, want %v", got, want)
	}
	if len(notes) != 1 {
		t.Fatalf("notes %q", notes)
	}
}

func TestLoadOpaqueInputs(t *testing.T) {
	pal := color.Palette{color.NRGBA{1, 2, 3, 255}, color.NRGBA{200, 100, 50, 255}}
	paletted := image.NewPaletted(image.Rect(0, 0, 8, 8), pal)
	paletted.SetColorIndex(2, 3, 1)
	gray := image.NewGray(image.Rect(0, 0, 8, 8))
	gray.SetGray(2, 3, color.Gray{77})
	gray16 := image.NewGray16(image.Rect(0, 0, 8, 8))
	gray16.SetGray16(2, 3, color.Gray16{0x1234})
	rgb16 := image.NewRGBA64(image.Rect(0, 0, 8, 8))
	for i := 6; i < len(rgb16.Pix); i += 8 {
		rgb16.Pix[i], rgb16.Pix[i+1] = 0xff, 0xff // opaque
	}
	rgb16.SetRGBA64(2, 3, color.RGBA64{0x0102, 0xfffe, 0x8080, 0xffff})
	opaque := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	for i := range opaque.Pix {
		opaque.Pix[i] = 0xff
	}
	opaque.SetNRGBA(2, 3, color.NRGBA{9, 8, 7, 255})
	for _, c := range []struct {
		name string
		img  image.Image
		want color.NRGBA
	}{
		{"paletted.png", paletted, color.NRGBA{200, 100, 50, 255}},
		{"gray.png", gray, color.NRGBA{77, 77, 77, 255}},
		{"gray16.png", gray16, color.NRGBA{0x12, 0x12, 0x12, 255}},
		{"rgb16.png", rgb16, color.NRGBA{0x01, 0xff, 0x80, 255}},
		{"opaque.png", opaque, color.NRGBA{9, 8, 7, 255}},
	} {
		img, notes, err := Load(save(t, c.name, c.img), 8)
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != 0 {
			t.Errorf("%s: notes %q for an opaque image", c.name, notes)
		}
		if got := img.NRGBAAt(2, 3); got != c.want {
			t.Errorf("%s: pixel %v, want %v", c.name, got, c.want)
		}
		if got := img.NRGBAAt(0, 0); got.A != 255 {
			t.Errorf("%s: alpha %d", c.name, got.A)
		}
	}
}

func TestLoadJPEG(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for i := 0; i < len(src.Pix); i += 4 {
		copy(src.Pix[i:], []byte{180, 90, 40, 255})
	}
	img, notes, err := Load(save(t, "photo.jpg", src), 16)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 || img.Bounds() != image.Rect(0, 0, 32, 32) {
		t.Fatalf("notes %q, bounds %v", notes, img.Bounds())
	}
	got := img.NRGBAAt(16, 16)
	want := []int{180, 90, 40}
	for i, have := range []uint8{got.R, got.G, got.B} {
		if d := int(have) - want[i]; d < -3 || d > 3 {
			t.Fatalf("pixel %v, want about %v", got, want)
		}
	}
}

// position encodes each pixel's coordinates in its colour.
func position(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 0, 255})
		}
	}
	return img
}

func TestLoadCentreCrops(t *testing.T) {
	img, notes, err := Load(save(t, "odd.png", position(37, 50)), 16)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(notes, []string{"centre-cropped 37x50 to 32x48 (multiple of 16)"}) {
		t.Fatalf("notes %q", notes)
	}
	if img.Bounds() != image.Rect(0, 0, 32, 48) {
		t.Fatalf("bounds %v", img.Bounds())
	}
	// 5 spare columns: 2 cut on the left; 2 spare rows: 1 cut at the top.
	if got := img.NRGBAAt(0, 0); got.R != 2 || got.G != 1 {
		t.Fatalf("top-left pixel came from (%d,%d), want (2,1)", got.R, got.G)
	}
	if got := img.NRGBAAt(31, 47); got.R != 33 || got.G != 48 {
		t.Fatalf("bottom-right pixel came from (%d,%d), want (33,48)", got.R, got.G)
	}
}

func TestPrepareSubImage(t *testing.T) {
	whole := position(40, 40)
	sub := whole.SubImage(image.Rect(5, 5, 25, 25))
	translucent := image.NewNRGBA(whole.Bounds())
	copy(translucent.Pix, whole.Pix)
	translucent.Pix[3] = 0 // alpha of (0,0), outside the sub-image
	translucent.SetNRGBA(6, 6, color.NRGBA{6, 6, 0, 9})
	for _, src := range []image.Image{sub, translucent.SubImage(image.Rect(5, 5, 25, 25))} {
		img, notes, err := Prepare(src, 8)
		if err != nil {
			t.Fatal(err)
		}
		// 20x20 crops to 16x16 starting 2 in: the source pixel (7,7).
		if got := img.NRGBAAt(0, 0); img.Bounds().Dx() != 16 || got.R != 7 || got.G != 7 || got.A != 255 {
			t.Fatalf("bounds %v, top-left %v", img.Bounds(), got)
		}
		if len(notes) != 1 {
			t.Fatalf("notes %q", notes)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	small := save(t, "tiny.png", position(12, 40))
	_, _, err := Load(small, 16)
	wantErr(t, err, "imgio: "+small+": the image is 12x40, smaller than the 16x16 minimum (the model's downsampling factor)")
	_, _, err = Load(small, 0)
	wantErr(t, err, "imgio: "+small+": the size multiple must be positive, got 0")

	text := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(text, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = Load(text, 16)
	wantErr(t, err, "imgio: "+text+": not a PNG or JPEG image")

	missing := filepath.Join(t.TempDir(), "gone.png")
	if _, _, err = Load(missing, 16); err == nil || !bytes.Contains([]byte(err.Error()), []byte(missing)) {
		t.Fatalf("missing file: %v", err)
	}

	_, _, err = Prepare(position(4, 4), 8)
	wantErr(t, err, "imgio: the image is 4x4, smaller than the 8x8 minimum (the model's downsampling factor)")
}

func TestLoadRefusesHugeHeader(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	cs, err := chunks(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	out := []byte(pngSignature)
	for _, c := range cs {
		if c.typ == "IHDR" {
			binary.BigEndian.PutUint32(c.data[0:], 100000)
			binary.BigEndian.PutUint32(c.data[4:], 100000)
		}
		out = appendChunk(out, c.typ, c.data)
	}
	path := filepath.Join(t.TempDir(), "huge.png")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = Load(path, 16)
	wantErr(t, err, "imgio: "+path+": 100000x100000 is larger than the 256-megapixel limit")
}
