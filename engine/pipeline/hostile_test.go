package pipeline

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tessera/engine/sample"
	"tessera/engine/tokens"
)

// pngClaiming writes a small PNG whose header claims w×h pixels: enough for
// a reader that trusts the header to allocate.
func pngClaiming(t *testing.T, w, h int) string {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	ihdr := b[8+8 : 8+8+13] // after the signature and IHDR's length and type
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	binary.BigEndian.PutUint32(b[8+8+13:], crc32.ChecksumIEEE(b[12:8+8+13]))
	p := filepath.Join(t.TempDir(), "claims.png")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Class 3: encoding an image, a file or a label map estimates its memory
// first and refuses what exceeds the budget, naming both.
func TestEncodeRefusesWhatExceedsTheBudget(t *testing.T) {
	setBudget(t, 64<<20)
	vq := openModel(t, "vqgan")
	_, _, err := Encode(vq, image.NewNRGBA(image.Rect(0, 0, 1024, 1024)))
	if err == nil || !strings.Contains(err.Error(), "pipeline: encoding a 1024x1024 image needs about") || !strings.Contains(err.Error(), "more than the budget of 64.0 MiB") {
		t.Errorf("1024x1024 image: %v", err)
	}
	// A file is refused from its header, before it is decoded.
	p := pngClaiming(t, 8192, 8192)
	_, _, err = EncodeFile(vq, p)
	if err == nil || !strings.Contains(err.Error(), "encoding "+p+" (8192x8192) needs about") {
		t.Errorf("8192x8192 file: %v", err)
	}
	seg := openModel(t, "seg_transformer")
	big := &LabelMap{W: 1024, H: 1024, Labels: make([]int, 1024*1024)}
	_, _, err = BuildCond(seg, Condition{Labels: big, Describe: "big.png"})
	if err == nil || !strings.Contains(err.Error(), "encoding a 1024x1024 label map with the cond stage needs about") {
		t.Errorf("1024x1024 label map: %v", err)
	}
	_, err = Sample(context.Background(), seg, SampleRequest{Cond: Condition{Labels: loadLabels(t)}, W: 1 << 30, H: 1 << 30}, nil)
	if err == nil || !strings.Contains(err.Error(), "beyond the 16777216-pixel side limit") {
		t.Errorf("a huge grid from a label map: %v", err)
	}
}

// Class 3: what used to need the whole attention matrix now fits. A
// 512x512 image through the tiny VQGAN (attention over 128x128 latent
// positions) asked for 1 GiB of scores at once, each attention step.
func TestEncodeOfALargeImageFitsASmallBudget(t *testing.T) {
	setBudget(t, 320<<20)
	vq := openModel(t, "vqgan")
	img := image.NewNRGBA(image.Rect(0, 0, 512, 512))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	g, _, err := Encode(vq, img)
	if err != nil || g.W != 128 || g.H != 128 {
		t.Fatalf("%dx%d, %v", g.W, g.H, err)
	}
}

// Class 8: --seg with a grid size is honoured: the label map is scaled,
// nearest neighbour, and a note says so; one side alone keeps the aspect.
func TestLabelMapScaledToTheGridAskedFor(t *testing.T) {
	seg := openModel(t, "seg_transformer")
	lm := loadLabels(t) // 56x40 pixels, 14x10 tokens
	twice := &LabelMap{W: 2 * lm.W, H: 2 * lm.H, Labels: make([]int, 4*len(lm.Labels))}
	for y := range twice.H {
		for x := range twice.W {
			twice.Labels[y*twice.W+x] = lm.Labels[(y/2)*lm.W+x/2]
		}
	}
	want, _, err := BuildCond(seg, Condition{Labels: twice})
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{28, 20}, {28, 0}, {0, 20}} {
		got, notes, err := buildCond(seg, Condition{Labels: lm}, size[0], size[1])
		if err != nil {
			t.Fatal(err)
		}
		if got.Grid.W != 28 || got.Grid.H != 20 || !slices.Equal(got.Grid.Codes, want.Grid.Codes) {
			t.Errorf("%v: a %dx%d grid unlike the one of the map drawn twice as large", size, got.Grid.W, got.Grid.H)
		}
		if len(notes) != 1 || notes[0] != "label map scaled from 56x40 to 112x80 pixels (nearest neighbour) for a 28x20-token grid" {
			t.Errorf("%v: notes %q", size, notes)
		}
	}
	// The map's own size is no change at all.
	same, notes, err := buildCond(seg, Condition{Labels: lm}, 14, 10)
	if err != nil || len(notes) != 0 || same.Grid.W != 14 {
		t.Errorf("14x10: %v %q", err, notes)
	}
	req := SampleRequest{Cond: Condition{Labels: lm}, W: 18, Options: sample.Options{Filter: sample.Filter{TopK: 1}}}
	res, err := Sample(context.Background(), seg, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g := res[0].Grid; g.W != 18 || g.H != 13 {
		t.Errorf("--width 18 alone gave %dx%d tokens, want 18x13", g.W, g.H)
	}
	if b := res[0].Image.Bounds(); b.Dx() != 72 || b.Dy() != 52 {
		t.Errorf("image %v", b)
	}
}

// Class 8: a mask that selects nothing is an error, not a no-op.
func TestResampleRefusesAnEmptyMask(t *testing.T) {
	cin := openModel(t, "cin_transformer")
	class := 1
	g := tokens.New(8, 8)
	_, err := Resample(context.Background(), cin, g, tokens.NewMask(8, 8), SampleRequest{Cond: Condition{Class: &class}}, nil)
	if err == nil || !strings.Contains(err.Error(), "the mask selects no tokens") {
		t.Fatalf("err = %v", err)
	}
}
