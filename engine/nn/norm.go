package nn

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// GroupNorm normalises each group of channels over the group's channels and
// all spatial positions, then applies a per-channel affine transform.
type GroupNorm struct {
	Groups, C    int
	Eps          float32
	Weight, Bias []float32
}

// Forward returns the normalised tensor; with swish it also applies
// x*sigmoid(x), the activation that follows every norm in the VQGAN.
func (g *GroupNorm) Forward(x *tensor.Dense, swish bool) *tensor.Dense {
	pro := g.Prologue(x, swish)
	n, c, h, w := Dims4(x)
	out := New(n, c, h, w)
	src, dst := Data(x), Data(out)
	For(n*c, 1, func(lo, hi int) {
		for bc := lo; bc < hi; bc++ {
			pro.apply(dst[bc*h*w:(bc+1)*h*w], src[bc*h*w:(bc+1)*h*w], bc)
		}
	})
	return out
}

// Prologue measures x's group statistics and returns the normalisation (and
// activation) as a per-channel transform a convolution can apply as it reads.
func (g *GroupNorm) Prologue(x *tensor.Dense, swish bool) *Prologue {
	n, c, h, w := Dims4(x)
	if c != g.C || c%g.Groups != 0 {
		panic(fmt.Sprintf("nn: group norm over %d channels in %d groups given %d channels", g.C, g.Groups, c))
	}
	pro := &Prologue{Scale: make([]float32, n*c), Shift: make([]float32, n*c), Swish: swish}
	src := Data(x)
	per := c / g.Groups
	span := per * h * w
	For(n*g.Groups, 1, func(lo, hi int) {
		for ng := lo; ng < hi; ng++ {
			mean, inv := meanInvStd(src[ng*span:(ng+1)*span], g.Eps)
			b, grp := ng/g.Groups, ng%g.Groups
			for ch := grp * per; ch < (grp+1)*per; ch++ {
				scale := g.Weight[ch] * inv
				pro.Scale[b*c+ch] = scale
				pro.Shift[b*c+ch] = g.Bias[ch] - mean*scale
			}
		}
	})
	return pro
}

// meanInvStd returns the mean and 1/sqrt(biased variance + eps) of xs in one
// pass. The sums are float64, which keeps E[x²]-E[x]² accurate for
// activations whose mean is large next to their spread.
func meanInvStd(xs []float32, eps float32) (float32, float32) {
	s, q := sumSq(xs)
	n := float64(len(xs))
	mean := s / n
	v := max(q/n-mean*mean, 0)
	return float32(mean), float32(1 / math.Sqrt(v+float64(eps)))
}

// LayerNorm normalises each row of a [rows, C] matrix.
type LayerNorm struct {
	C            int
	Eps          float32
	Weight, Bias []float32
}

// Forward writes the normalised rows of x into dst (which may alias x).
func (l *LayerNorm) Forward(dst, x []float32) {
	rows := len(x) / l.C
	For(rows, 4, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			xs, ys := x[r*l.C:(r+1)*l.C], dst[r*l.C:(r+1)*l.C]
			mean, inv := meanInvStd(xs, l.Eps)
			for i, v := range xs {
				ys[i] = (v-mean)*inv*l.Weight[i] + l.Bias[i]
			}
		}
	})
}
