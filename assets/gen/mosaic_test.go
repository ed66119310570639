package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"testing"
)

// The committed icon must be what the generator draws: edit the generator,
// then run go generate ./assets.
func TestIconIsUpToDate(t *testing.T) {
	data, err := os.ReadFile("../icon.png")
	if err != nil {
		t.Fatal(err)
	}
	committed, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	drawn := drawIcon()
	if committed.Bounds() != drawn.Bounds() {
		t.Fatalf("assets/icon.png is %v, the generator draws %v; run go generate ./assets", committed.Bounds(), drawn.Bounds())
	}
	want := image.NewNRGBA(drawn.Bounds())
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			want.Set(x, y, committed.At(x, y))
		}
	}
	if !bytes.Equal(want.Pix, drawn.Pix) {
		t.Fatal("assets/icon.png differs from what the generator draws; run go generate ./assets")
	}
}
