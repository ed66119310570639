package imgio

import (
	"image"
	"image/color"
	"math"
	"slices"
	"testing"

	"gorgonia.org/tensor"
)

func TestTensorRoundTripsEveryValue(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 256, 1))
	for x := range 256 {
		img.SetNRGBA(x, 0, color.NRGBA{uint8(x), uint8(255 - x), uint8(x / 2), 255})
	}
	ten := ToTensor(img)
	if !slices.Equal(ten.Shape(), tensor.Shape{1, 3, 1, 256}) {
		t.Fatalf("shape %v", ten.Shape())
	}
	data := ten.Data().([]float32)
	if data[0] != -1 || data[255] != 1 || data[256] != 1 {
		t.Fatalf("ends of the range: %v %v %v", data[0], data[255], data[256])
	}
	for x := range 256 {
		if want := float32(x)/127.5 - 1; data[x] != want {
			t.Fatalf("value %d maps to %v, want %v", x, data[x], want)
		}
	}
	back, err := FromTensor(ten)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 1 || !slices.Equal(back[0].Pix, img.Pix) {
		t.Fatal("the round trip changed pixels")
	}
}

func TestTensorLayoutIsNCHW(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	img.SetNRGBA(2, 1, color.NRGBA{255, 0, 255, 255})
	data := ToTensor(img).Data().([]float32)
	// Channel c, row y, column x at c*H*W + y*W + x.
	for i, v := range data {
		c, y, x := i/6, i%6/3, i%3
		want := float32(-1)
		if x == 2 && y == 1 && c != 1 {
			want = 1
		}
		if v != want {
			t.Fatalf("data[%d] (c%d y%d x%d) = %v, want %v", i, c, y, x, v, want)
		}
	}
}

func TestFromTensorClampsAndRounds(t *testing.T) {
	nan := float32(math.NaN())
	vals := []float32{-2, 2, nan, 0, -0.5, 0.999, float32(math.Inf(1))}
	want := []uint8{0, 255, 0, 128, 64, 255, 255}
	data := make([]float32, 3*len(vals))
	copy(data, vals) // red plane; green and blue stay 0 -> 128
	imgs, err := FromTensor(tensor.New(tensor.WithShape(1, 3, 1, len(vals)), tensor.WithBacking(data)))
	if err != nil {
		t.Fatal(err)
	}
	for x, w := range want {
		if got := imgs[0].NRGBAAt(x, 0); got != (color.NRGBA{w, 128, 128, 255}) {
			t.Errorf("%v -> %v, want red %d", vals[x], got, w)
		}
	}
}

func TestBatchTensor(t *testing.T) {
	a, b := position(4, 2), position(4, 2)
	b.SetNRGBA(3, 1, color.NRGBA{200, 201, 202, 255})
	batch, err := BatchTensor([]*image.NRGBA{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(batch.Shape(), tensor.Shape{2, 3, 2, 4}) {
		t.Fatalf("shape %v", batch.Shape())
	}
	// The second image's blue value at (3,1).
	if got := batch.Data().([]float32)[24+16+7]; got != float32(202)/127.5-1 {
		t.Fatalf("second image misplaced: %v", got)
	}
	imgs, err := FromTensor(batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 2 || !slices.Equal(imgs[0].Pix, a.Pix) || !slices.Equal(imgs[1].Pix, b.Pix) {
		t.Fatal("batch did not round-trip")
	}

	_, err = BatchTensor([]*image.NRGBA{a, position(2, 4)})
	wantErr(t, err, "imgio: batch image 1 is 2x4 but image 0 is 4x2")
	_, err = BatchTensor(nil)
	wantErr(t, err, "imgio: an empty batch")
}

func TestFromTensorViews(t *testing.T) {
	src := position(4, 2)
	last := position(4, 2)
	last.SetNRGBA(0, 0, color.NRGBA{9, 9, 9, 255})
	batch, err := BatchTensor([]*image.NRGBA{position(4, 2), src, last})
	if err != nil {
		t.Fatal(err)
	}
	// A slice of the batch: the second and third images.
	v, err := batch.Slice(tensor.S(1, 3))
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := FromTensor(v.(*tensor.Dense))
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 2 || !slices.Equal(imgs[0].Pix, src.Pix) || !slices.Equal(imgs[1].Pix, last.Pix) {
		t.Fatal("a sliced batch gave the wrong images")
	}
	// A transpose of height and width: the image mirrored on its diagonal.
	tr := ToTensor(src)
	if err := tr.T(0, 1, 3, 2); err != nil {
		t.Fatal(err)
	}
	imgs, err = FromTensor(tr)
	if err != nil {
		t.Fatal(err)
	}
	if imgs[0].Bounds() != image.Rect(0, 0, 2, 4) {
		t.Fatalf("transposed bounds %v", imgs[0].Bounds())
	}
	for y := range 4 {
		for x := range 2 {
			if got := imgs[0].NRGBAAt(x, y); int(got.R) != y || int(got.G) != x {
				t.Fatalf("transposed (%d,%d) came from (%d,%d), want (%d,%d)", x, y, got.R, got.G, y, x)
			}
		}
	}
}

func TestFromTensorErrors(t *testing.T) {
	_, err := FromTensor(tensor.New(tensor.WithShape(1, 4, 2, 2), tensor.Of(tensor.Float32)))
	wantErr(t, err, "imgio: want an [N,3,H,W] tensor, got shape (1, 4, 2, 2)")
	_, err = FromTensor(tensor.New(tensor.WithShape(3, 2, 2), tensor.Of(tensor.Float32)))
	wantErr(t, err, "imgio: want an [N,3,H,W] tensor, got shape (3, 2, 2)")
	_, err = FromTensor(tensor.New(tensor.WithShape(1, 3, 2, 2), tensor.Of(tensor.Float64)))
	wantErr(t, err, "imgio: want a float32 tensor, got float64")
}
