package ops

import (
	"fmt"
	"math"
	"math/rand"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// LPIPSHeadKernel is LPIPS's comparison of one layer's features f0, f1
// [B, C, H, W]: each is normalised over channels, f / (sqrt(sum_c f^2) +
// 1e-10), the squared difference is weighted by the frozen 1x1 conv Weight
// [C] (no bias) and averaged over space, giving [B].
//
// With Dropout set, the squared difference first goes through dropout (p
// 0.5, survivors doubled) with a mask drawn from it on every forward pass:
// taming trains with LPIPS's lin layers in train mode.
type LPIPSHeadKernel struct {
	Weight  []float32
	Dropout *rand.Rand

	keep []bool // the last forward pass's dropout mask
}

// lpipsEps keeps the normalisation finite for all-zero features.
const lpipsEps = 1e-10

// LPIPSHead adds one LPIPS layer term of features f0 and f1 to the graph;
// dropout nil means evaluation mode.
func LPIPSHead(f0, f1 *G.Node, weight []float32, dropout *rand.Rand) *G.Node {
	return Must(&LPIPSHeadKernel{Weight: weight, Dropout: dropout}, f0, f1)
}

func (k *LPIPSHeadKernel) Name() string { return "lpips_layer" }

func (k *LPIPSHeadKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("want two feature maps, got %d inputs", len(in))
	}
	if !in[0].Eq(in[1]) {
		return nil, fmt.Errorf("features %v and %v differ in shape", in[0], in[1])
	}
	if x := in[0]; x.Dims() != 4 || x[1] != len(k.Weight) {
		return nil, fmt.Errorf("want [B, %d, H, W] features for %d weights, got %v", len(k.Weight), len(k.Weight), x)
	}
	return tensor.Shape{in[0][0]}, nil
}

func (k *LPIPSHeadKernel) Differentiable(inputs int) []bool { return all(inputs) }

// lpipsBlock is how many positions of one sample a worker handles at once.
const lpipsBlock = 256

// lpipsBlocks runs body over every block of positions [p0, p1) of every sample
// b, in parallel.
func lpipsBlocks(b, plane int, body func(b, p0, p1 int)) {
	per := (plane + lpipsBlock - 1) / lpipsBlock
	nn.For(b*per, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p0 := (i % per) * lpipsBlock
			body(i/per, p0, min(plane, p0+lpipsBlock))
		}
	})
}

// lpipsNorms writes 1/(sqrt(sum_c f^2) + eps) into inv and the norm itself
// into s, for positions [p0, p1) of one sample's [C, plane] features f.
func lpipsNorms(s, inv []float64, f []float32, c, plane, p0, p1 int) {
	clear(s)
	for ch := 0; ch < c; ch++ {
		row := f[ch*plane+p0 : ch*plane+p1]
		for i, v := range row {
			s[i] += float64(v) * float64(v)
		}
	}
	for i := range s {
		s[i] = math.Sqrt(s[i])
		inv[i] = 1 / (s[i] + lpipsEps)
	}
}

// factor is the dropout multiplier of element i: 0 or 2, or 1 without
// dropout.
func (k *LPIPSHeadKernel) factor(i int) float64 {
	switch {
	case k.keep == nil:
		return 1
	case k.keep[i]:
		return 2
	}
	return 0
}

func (k *LPIPSHeadKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	f0, f1 := nn.Data(in[0]), nn.Data(in[1])
	b, c, h, w := nn.Dims4(in[0])
	plane := h * w
	k.keep = nil
	if k.Dropout != nil {
		k.keep = make([]bool, len(f0))
		for i := range k.keep {
			k.keep[i] = k.Dropout.Float64() >= 0.5
		}
	}
	lin := make([]float64, b*plane)
	lpipsBlocks(b, plane, func(s, p0, p1 int) {
		n := p1 - p0
		s0, s1, inv0, inv1 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		base := s * c * plane
		x0, x1 := f0[base:base+c*plane], f1[base:base+c*plane]
		lpipsNorms(s0, inv0, x0, c, plane, p0, p1)
		lpipsNorms(s1, inv1, x1, c, plane, p0, p1)
		acc := lin[s*plane+p0 : s*plane+p1]
		for ch := 0; ch < c; ch++ {
			wc := float64(k.Weight[ch])
			off := ch*plane + p0
			for i := range acc {
				d := float64(x0[off+i])*inv0[i] - float64(x1[off+i])*inv1[i]
				acc[i] += wc * d * d * k.factor(base+off+i)
			}
		}
	})
	out := nn.FromSlice(make([]float32, b), b)
	for s := range b {
		var sum float64
		for _, v := range lin[s*plane : (s+1)*plane] {
			sum += v
		}
		nn.Data(out)[s] = float32(sum / float64(plane))
	}
	return out, nil
}

// Backward: with n = f / (s + eps), s = |f|, the gradient a of n gives f
// the gradient a/(s + eps) - (a.f) f / (s (s + eps)^2); at s = 0 the second
// term vanishes with f.
func (k *LPIPSHeadKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	f0, f1 := nn.Data(in[0]), nn.Data(in[1])
	b, c, h, w := nn.Dims4(in[0])
	plane := h * w
	d0, d1 := zerosLike(in[0]), zerosLike(in[1])
	g0, g1, gs := nn.Data(d0), nn.Data(d1), nn.Data(grad)
	lpipsBlocks(b, plane, func(s, p0, p1 int) {
		n := p1 - p0
		s0, s1, inv0, inv1 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		dot0, dot1 := make([]float64, n), make([]float64, n)
		base := s * c * plane
		x0, x1 := f0[base:base+c*plane], f1[base:base+c*plane]
		lpipsNorms(s0, inv0, x0, c, plane, p0, p1)
		lpipsNorms(s1, inv1, x1, c, plane, p0, p1)
		g := float64(gs[s]) / float64(plane)
		// a(ch, i) is d loss / d n0 there, and minus d loss / d n1.
		a := func(ch, i int) float64 {
			off := ch*plane + p0 + i
			d := float64(x0[off])*inv0[i] - float64(x1[off])*inv1[i]
			return 2 * g * float64(k.Weight[ch]) * k.factor(base+off) * d
		}
		for ch := 0; ch < c; ch++ {
			off := ch*plane + p0
			for i := range n {
				av := a(ch, i)
				dot0[i] += av * float64(x0[off+i])
				dot1[i] += av * float64(x1[off+i])
			}
		}
		for i := range n {
			dot0[i] = normTerm(dot0[i], s0[i], inv0[i])
			dot1[i] = normTerm(dot1[i], s1[i], inv1[i])
		}
		for ch := 0; ch < c; ch++ {
			off := ch*plane + p0
			for i := range n {
				av := a(ch, i)
				g0[base+off+i] = float32(av*inv0[i] - dot0[i]*float64(x0[off+i]))
				g1[base+off+i] = float32(-av*inv1[i] + dot1[i]*float64(x1[off+i]))
			}
		}
	})
	return []*tensor.Dense{d0, d1}, nil
}

// normTerm is dot / (s (s + eps)^2) (inv is 1/(s + eps)), the coefficient of f in the
// normalisation's gradient, or 0 where s is 0 (and so f is).
func normTerm(dot, s, inv float64) float64 {
	if s == 0 {
		return 0
	}
	return dot * inv * inv / s
}
