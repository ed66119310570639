package ops

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// PixelCrossEntropyKernel is torch's F.cross_entropy over image logits
// [B, L, H, W] with mean reduction: the mean over every pixel of
// -log softmax over the L channels, at the pixel's target label. Targets
// points at one label per pixel in raster order (b, y, x), filled by the
// caller before each run.
type PixelCrossEntropyKernel struct{ Targets *[]int }

// PixelCrossEntropy adds the mean per-pixel cross-entropy of logits
// [B, L, H, W] against targets, a scalar.
func PixelCrossEntropy(logits *G.Node, targets *[]int) *G.Node {
	return Must(&PixelCrossEntropyKernel{Targets: targets}, logits)
}

func (k *PixelCrossEntropyKernel) Name() string { return "pixel_cross_entropy" }

func (k *PixelCrossEntropyKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 1 || in[0].Dims() != 4 || in[0].TotalSize() == 0 {
		return nil, fmt.Errorf("want one non-empty logits tensor [B, L, H, W], got %v", in)
	}
	return tensor.ScalarShape(), nil
}

func (k *PixelCrossEntropyKernel) Differentiable(inputs int) []bool { return all(inputs) }

// targets checks the current targets against logits of shape s and returns
// them with the label count and the pixels per image.
func (k *PixelCrossEntropyKernel) targets(s tensor.Shape) ([]int, int, int, error) {
	l, plane := s[1], s[2]*s[3]
	tg := *k.Targets
	if len(tg) != s[0]*plane {
		return nil, 0, 0, fmt.Errorf("%d targets for the %d pixels of logits %v", len(tg), s[0]*plane, s)
	}
	for i, c := range tg {
		if c < 0 || c >= l {
			return nil, 0, 0, fmt.Errorf("target %d of pixel %d (image %d, y %d, x %d) is outside the labels 0..%d",
				c, i, i/plane, i%plane/s[3], i%s[3], l-1)
		}
	}
	return tg, l, plane, nil
}

// pixelGrain is how many pixels one worker takes at least.
const pixelGrain = 256

// Forward works on runs of pixels of one image at a time, channel plane by
// channel plane, so every read is sequential.
func (k *PixelCrossEntropyKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	tg, l, plane, err := k.targets(in[0].Shape())
	if err != nil {
		return nil, err
	}
	x := nn.Data(in[0])
	losses := make([]float64, len(tg))
	nn.For(len(tg), pixelGrain, func(lo, hi int) {
		eachRun(lo, hi, plane, func(b, p0, p1 int) {
			img := x[b*l*plane:]
			m := runMax(img, l, plane, p0, p1)
			s := make([]float64, p1-p0)
			for c := range l {
				row := img[c*plane+p0 : c*plane+p1]
				for j, v := range row {
					s[j] += float64(nn.Exp32(v - m[j]))
				}
			}
			for j := range s {
				i := b*plane + p0 + j
				losses[i] = float64(m[j]) + math.Log(s[j]) - float64(img[tg[i]*plane+p0+j])
			}
		})
	})
	var sum float64
	for _, v := range losses {
		sum += v
	}
	return scalar(float32(sum / float64(len(tg)))), nil
}

// Backward: d/dlogits = (softmax over the labels - onehot(target)) · dL /
// pixels.
func (k *PixelCrossEntropyKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	tg, l, plane, err := k.targets(in[0].Shape())
	if err != nil {
		return nil, err
	}
	x := nn.Data(in[0])
	out := zerosLike(in[0])
	d := nn.Data(out)
	scale := float64(nn.Data(grad)[0]) / float64(len(tg))
	nn.For(len(tg), pixelGrain, func(lo, hi int) {
		eachRun(lo, hi, plane, func(b, p0, p1 int) {
			img, dimg := x[b*l*plane:], d[b*l*plane:]
			m := runMax(img, l, plane, p0, p1)
			s := make([]float64, p1-p0)
			for c := range l {
				row, drow := img[c*plane+p0:c*plane+p1], dimg[c*plane+p0:c*plane+p1]
				for j, v := range row {
					e := nn.Exp32(v - m[j])
					drow[j] = e
					s[j] += float64(e)
				}
			}
			for j := range s {
				s[j] = scale / s[j]
			}
			for c := range l {
				drow := dimg[c*plane+p0 : c*plane+p1]
				for j, e := range drow {
					drow[j] = float32(float64(e) * s[j])
				}
			}
			for j := range s {
				at := tg[b*plane+p0+j]*plane + p0 + j
				dimg[at] = float32(float64(dimg[at]) - scale)
			}
		})
	})
	return []*tensor.Dense{out}, nil
}

// eachRun splits the pixels [lo, hi) of a batch of images of plane pixels
// each into runs within one image: f(image, first, end) with pixel offsets
// inside that image.
func eachRun(lo, hi, plane int, f func(b, p0, p1 int)) {
	for i := lo; i < hi; {
		b, p := i/plane, i%plane
		end := min(plane, p+hi-i)
		f(b, p, end)
		i += end - p
	}
}

// runMax is the largest logit over the labels at each pixel of [p0, p1).
func runMax(img []float32, l, plane, p0, p1 int) []float32 {
	m := append([]float32(nil), img[p0:p1]...)
	for c := 1; c < l; c++ {
		for j, v := range img[c*plane+p0 : c*plane+p1] {
			m[j] = max(m[j], v)
		}
	}
	return m
}
