package classify

import (
	"image"
	"math/rand"
	"strings"
	"testing"

	"tessera/engine/nn"
	"tessera/engine/vqgan"
	"tessera/engine/weights"
)

var tiny = vqgan.DDConfig{Ch: 32, OutCh: 5, ChMult: []int{1, 1, 2}, NumResBlocks: 1, InChannels: 3, Resolution: 16, ZChannels: 8}

func randomImage(seed int64, w, h int) *image.NRGBA {
	r := rand.New(rand.NewSource(seed))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.Intn(256))
	}
	return img
}

func load(t *testing.T) *Classifier {
	t.Helper()
	c, err := Load(weights.Random{Seed: 3}, "", tiny, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// On a size the network takes as it is, Classify is the argmax of Logits.
func TestClassifyIsTheArgmaxOfTheLogits(t *testing.T) {
	c := load(t)
	if c.Factor() != 4 || c.Labels() != 5 || c.EncoderParams == 0 || c.DecoderParams == 0 {
		t.Fatalf("factor %d, %d labels, parameters %d and %d", c.Factor(), c.Labels(), c.EncoderParams, c.DecoderParams)
	}
	img := randomImage(1, 12, 8)
	got, err := c.Classify(img)
	if err != nil {
		t.Fatal(err)
	}
	logits, err := c.Logits(padded(img, 12, 8))
	if err != nil {
		t.Fatal(err)
	}
	d := nn.Data(logits)
	seen := map[uint8]bool{}
	for p, l := range got {
		seen[l] = true
		for k := range 5 {
			if d[k*96+p] > d[int(l)*96+p] {
				t.Fatalf("pixel %d: label %d, but label %d has the larger logit", p, l, k)
			}
		}
	}
	if len(seen) < 2 {
		t.Errorf("every pixel got the same label: the test image shows nothing")
	}
}

// Other sizes are padded by repeating the edge pixels; the padding's labels
// are dropped.
func TestClassifyPadsOddSizes(t *testing.T) {
	c := load(t)
	img := randomImage(2, 13, 6)
	got, err := c.Classify(img)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 13*6 {
		t.Fatalf("%d labels for 13x6 pixels", len(got))
	}
	big := image.NewNRGBA(image.Rect(0, 0, 16, 8))
	for y := range 8 {
		for x := range 16 {
			big.SetNRGBA(x, y, img.NRGBAAt(min(x, 12), min(y, 5)))
		}
	}
	want, err := c.Classify(big)
	if err != nil {
		t.Fatal(err)
	}
	for y := range 6 {
		for x := range 13 {
			if got[y*13+x] != want[y*16+x] {
				t.Fatalf("pixel (%d, %d): %d, the explicitly padded image's %d", x, y, got[y*13+x], want[y*16+x])
			}
		}
	}
	// A sub-image reads its own pixels, not its parent's from the origin.
	sub := big.SubImage(image.Rect(3, 2, 16, 8)).(*image.NRGBA)
	fromSub, err := c.Classify(sub)
	if err != nil {
		t.Fatal(err)
	}
	alone := image.NewNRGBA(image.Rect(0, 0, 13, 6))
	for y := range 6 {
		for x := range 13 {
			alone.SetNRGBA(x, y, big.NRGBAAt(x+3, y+2))
		}
	}
	want, err = c.Classify(alone)
	if err != nil {
		t.Fatal(err)
	}
	if string(fromSub) != string(want) {
		t.Error("a sub-image is classified differently from a copy of its pixels")
	}
	if _, err := c.Classify(image.NewNRGBA(image.Rectangle{})); err == nil {
		t.Error("an empty image was classified")
	}
}

func TestValidate(t *testing.T) {
	bad := func(change func(*vqgan.DDConfig)) vqgan.DDConfig {
		dd := tiny
		dd.ChMult = append([]int(nil), tiny.ChMult...)
		change(&dd)
		return dd
	}
	for _, c := range []struct {
		dd    vqgan.DDConfig
		names []string
		want  string
	}{
		{bad(func(d *vqgan.DDConfig) { d.InChannels = 1 }), nil, "in_channels"},
		{bad(func(d *vqgan.DDConfig) { d.DoubleZ = true }), nil, "double_z"},
		{bad(func(d *vqgan.DDConfig) { d.OutCh = 300 }), nil, "8-bit"},
		{bad(func(d *vqgan.DDConfig) { d.Ch = 24 }), nil, "multiple of 32"},
		{tiny, []string{"sky", "sea"}, "2 label names for out_ch 5"},
	} {
		if err := Validate(c.dd, c.names); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v %v: error %v, want one saying %q", c.dd, c.names, err, c.want)
		}
	}
	if err := Validate(tiny, []string{"a", "b", "c", "d", "e"}); err != nil {
		t.Errorf("a good config: %v", err)
	}
	if _, err := (&Classifier{Config: tiny}).Logits(nn.FromSlice(make([]float32, 3*6*8), 1, 3, 6, 8)); err == nil {
		t.Error("Logits took a 8x6 input with factor 4")
	}
}

func TestLoadRejectsStrayWeights(t *testing.T) {
	if _, err := Load(extra{weights.Random{Seed: 3}}, "", tiny, nil); err == nil || !strings.Contains(err.Error(), "quantize.embedding.weight") {
		t.Errorf("a codebook among the weights: error %v", err)
	}
}

// extra is a source that also holds a codebook, which a classifier lacks.
type extra struct{ weights.Random }

func (extra) Keys() []string { return []string{"quantize.embedding.weight"} }
