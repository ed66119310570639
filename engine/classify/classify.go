// Package classify labels images pixel by pixel with Tessera's pixel
// classifier: taming's encoder feeding its decoder directly, with no
// quantizer between them, the decoder's out_ch outputs being one logit per
// label. It runs on the engine's inference kernels (engine/vqgan's encoder
// and decoder); engine/train trains it.
package classify

import (
	"fmt"
	"image"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/vqgan"
	"tessera/engine/weights"
)

// MaxLabels is the most labels a classifier may have: label maps are 8-bit.
const MaxLabels = 256

// Classifier is a loaded pixel classifier.
type Classifier struct {
	Config  vqgan.DDConfig
	Names   []string // label names by id; empty when the model names none
	Encoder *vqgan.Encoder
	Decoder *vqgan.Decoder
	// Parameter counts by part, for model cards.
	EncoderParams, DecoderParams int64
}

// Validate checks that dd describes a classifier with the given label names
// (none, or one per label): in_channels 3 (RGB), out_ch labels, and an
// encoder whose z_channels the decoder reads, so no double_z.
func Validate(dd vqgan.DDConfig, names []string) error {
	if err := dd.Validate(); err != nil {
		return err
	}
	switch {
	case dd.InChannels != 3:
		return fmt.Errorf("classify: in_channels is %d; a pixel classifier reads RGB images (3)", dd.InChannels)
	case dd.DoubleZ:
		return fmt.Errorf("classify: double_z is set; the decoder reads the encoder's z_channels directly, so it must be false")
	case dd.OutCh > MaxLabels:
		return fmt.Errorf("classify: out_ch %d labels do not fit 8-bit label maps (at most %d)", dd.OutCh, MaxLabels)
	case len(names) != 0 && len(names) != dd.OutCh:
		return fmt.Errorf("classify: %d label names for out_ch %d labels", len(names), dd.OutCh)
	}
	return nil
}

// Load builds a classifier from the weights under prefix (encoder.* and
// decoder.*, taming's keys). Other weights under the prefix are an error.
func Load(src weights.Source, prefix string, dd vqgan.DDConfig, names []string) (*Classifier, error) {
	if err := Validate(dd, names); err != nil {
		return nil, err
	}
	l := weights.NewLoader(src, prefix)
	c := &Classifier{Config: dd, Names: names}
	c.Encoder = vqgan.LoadEncoder(l.Sub("encoder."), dd)
	c.Decoder = vqgan.LoadDecoder(l.Sub("decoder."), dd)
	if err := l.CheckAllUsed(); err != nil {
		return nil, fmt.Errorf("classify: %w", err)
	}
	c.EncoderParams, c.DecoderParams = l.Sub("encoder.").Count(), l.Sub("decoder.").Count()
	return c, nil
}

// Labels is the number of labels.
func (c *Classifier) Labels() int { return c.Config.OutCh }

// Factor is the downsampling factor inside the network: the sides of an
// input to Logits must be multiples of it.
func (c *Classifier) Factor() int { return vqgan.Config{DD: c.Config}.Factor() }

// Logits maps images x [B, 3, H, W] in [-1, 1], H and W multiples of
// Factor, to label logits [B, labels, H, W].
func (c *Classifier) Logits(x *tensor.Dense) (*tensor.Dense, error) {
	s := x.Shape()
	f := c.Factor()
	if s.Dims() != 4 || s[1] != 3 {
		return nil, fmt.Errorf("classify: want images [B, 3, H, W], got shape %v", s)
	}
	if s[2]%f != 0 || s[3]%f != 0 || s[2] == 0 || s[3] == 0 {
		return nil, fmt.Errorf("classify: a %dx%d input is not a multiple of the downsampling factor %d", s[3], s[2], f)
	}
	z := c.Encoder.Forward(x, nil)
	out := c.Decoder.Forward(z, nil)
	nn.Recycle(z)
	return out, nil
}

// Classify labels every pixel of img (row-major, one label id a pixel). An
// image whose sides are not multiples of Factor is padded on the right and
// bottom by repeating its edge pixels, and the labels of the padding are
// dropped. Alpha is ignored.
func (c *Classifier) Classify(img *image.NRGBA) ([]uint8, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w == 0 || h == 0 {
		return nil, fmt.Errorf("classify: the image is empty (%dx%d)", w, h)
	}
	f := c.Factor()
	pw, ph := roundUp(w, f), roundUp(h, f)
	x := padded(img, pw, ph)
	logits, err := c.Logits(x)
	if err != nil {
		return nil, err
	}
	defer nn.Recycle(logits)
	return argmax(nn.Data(logits), c.Labels(), pw, ph, w, h), nil
}

func roundUp(n, f int) int { return (n + f - 1) / f * f }

// padded is img as a [1, 3, ph, pw] tensor in [-1, 1] (pixel/127.5 - 1, as
// training reads images), its last row and column repeated into the
// padding.
func padded(img *image.NRGBA, pw, ph int) *tensor.Dense {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	plane := pw * ph
	data := make([]float32, 3*plane)
	nn.For(ph, 16, func(lo, hi int) {
		for y := lo; y < hi; y++ {
			row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+min(y, h-1)):]
			for x := range pw {
				p := row[4*min(x, w-1):]
				for ch := range 3 {
					data[ch*plane+y*pw+x] = float32(p[ch])/127.5 - 1
				}
			}
		}
	})
	return nn.FromSlice(data, 1, 3, ph, pw)
}

// argmax picks, for each pixel of the top-left w x h of [labels, ph, pw]
// logits, the label with the largest logit (the first on ties).
func argmax(logits []float32, labels, pw, ph, w, h int) []uint8 {
	plane := pw * ph
	out := make([]uint8, w*h)
	nn.For(h, 16, func(lo, hi int) {
		best := make([]float32, w)
		for y := lo; y < hi; y++ {
			copy(best, logits[y*pw:y*pw+w])
			labs := out[y*w : (y+1)*w]
			clear(labs)
			for l := 1; l < labels; l++ {
				row := logits[l*plane+y*pw : l*plane+y*pw+w]
				for x, v := range row {
					if v > best[x] {
						best[x], labs[x] = v, uint8(l)
					}
				}
			}
		}
	})
	return out
}
