package imgio

import (
	"encoding/binary"
	"image"
	"image/color"
	"math"
	"strings"
	"testing"

	"tessera/engine/nn"
)

// packed stores depths as taming does: a float32's bytes in R, G, B, A.
func packed(w, h int, depth func(x, y int) float32) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			binary.LittleEndian.PutUint32(img.Pix[img.PixOffset(x, y):], math.Float32bits(depth(x, y)))
		}
	}
	return img
}

func TestDepthTensorReadsPackedFloats(t *testing.T) {
	// 0.5 m to 12.25 m along x; the alpha bytes (exponents) are not 255.
	img := packed(6, 5, func(x, y int) float32 { return 0.5 + float32(x)*2.35 })
	d, notes, err := DepthTensor(img, 4)
	if err != nil {
		t.Fatal(err)
	}
	if n, c, h, w := nn.Dims4(d); n != 1 || c != 1 || h != 4 || w != 4 {
		t.Fatalf("shape %v, want 1x1x4x4 (6x5 cropped to multiples of 4)", d.Shape())
	}
	// The crop keeps columns 1..4: depths 2.85..9.9 map onto -1..1.
	for x, want := range []float64{-1, -1.0 / 3, 1.0 / 3, 1} {
		if got := nn.Data(d)[x]; math.Abs(float64(got)-want) > 1e-6 {
			t.Errorf("column %d: %v, want %v", x, got, want)
		}
	}
	if s := strings.Join(notes, "; "); !strings.Contains(s, "centre-cropped 6x5 to 4x4") || !strings.Contains(s, "float32 depth") {
		t.Errorf("notes %q", s)
	}
}

func TestDepthTensorRefusesNonFiniteDepth(t *testing.T) {
	img := packed(4, 4, func(x, y int) float32 {
		if x == 2 && y == 1 {
			return float32(math.NaN())
		}
		return 1
	})
	_, _, err := DepthTensor(img, 4)
	if err == nil || !strings.Contains(err.Error(), "pixel (2, 1)") {
		t.Fatalf("err %v, want one naming pixel (2, 1)", err)
	}
}

func TestDepthTensorKeepsSixteenBits(t *testing.T) {
	img := image.NewGray16(image.Rect(0, 0, 4, 4))
	for i := range 16 {
		img.SetGray16(i%4, i/4, color.Gray16{Y: uint16(30000 + i%2)}) // one step apart
	}
	d, notes, err := DepthTensor(img, 4)
	if err != nil {
		t.Fatal(err)
	}
	if v := nn.Data(d); v[0] != -1 || v[1] != 1 {
		t.Errorf("16-bit neighbours became %v and %v, want -1 and 1", v[0], v[1])
	}
	if !strings.Contains(strings.Join(notes, ";"), "grey-scale") {
		t.Errorf("notes %q", notes)
	}
}

func TestDepthTensorOfAFlatMap(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	d, _, err := DepthTensor(img, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range nn.Data(d) {
		if v != -1 { // taming's (d-min)/max(1e-8, max-min)*2-1
			t.Fatalf("a flat map became %v, want -1", v)
		}
	}
	if p := DepthPreview(d); p.Bounds().Dx() != 4 || p.Pix[0] != 0 {
		t.Errorf("preview %v, first pixel %d", p.Bounds(), p.Pix[0])
	}
}
