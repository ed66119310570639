package ops

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// ActNormState is one ActNorm's data-dependent initialisation: Loc and
// Scale are the parameters' own tensors ([1, C, 1, 1]), written once by the
// first forward pass.
type ActNormState struct {
	Initialized bool
	Loc, Scale  *tensor.Dense
}

// ActNormKernel is taming's ActNorm, scale * (x + loc) per channel of x
// [N, C, H, W]. Its first forward pass on an uninitialised state sets loc to
// minus each channel's mean and scale to 1/(std + 1e-6), the unbiased std
// over N, H and W, and uses them at once.
type ActNormKernel struct {
	State *ActNormState

	// The loc and scale an initialising forward pass chose, for its
	// backward: the graph's inputs held the old values when it ran.
	loc, scale []float32
}

// ActNorm adds actnorm(x) with the parameters loc and scale to the graph.
func ActNorm(x, loc, scale *G.Node, st *ActNormState) *G.Node {
	return Must(&ActNormKernel{State: st}, x, loc, scale)
}

func (k *ActNormKernel) Name() string { return "actnorm" }

func (k *ActNormKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("want x, loc and scale, got %d inputs", len(in))
	}
	x := in[0]
	if x.Dims() != 4 {
		return nil, fmt.Errorf("want an NCHW input, got %v", x)
	}
	c := x[1]
	for i, name := range []string{"loc", "scale"} {
		if s := in[1+i]; s.TotalSize() != c {
			return nil, fmt.Errorf("%s %v does not fit %d channels", name, s, c)
		}
	}
	st := k.State
	if st.Loc.Shape().TotalSize() != c || st.Scale.Shape().TotalSize() != c {
		return nil, fmt.Errorf("state loc %v and scale %v do not fit %d channels", st.Loc.Shape(), st.Scale.Shape(), c)
	}
	if !st.Initialized && x[0]*x[2]*x[3] < 2 {
		return nil, fmt.Errorf("initialising needs more than one value per channel, input %v", x)
	}
	return x.Clone(), nil
}

func (k *ActNormKernel) Differentiable(inputs int) []bool { return all(inputs) }

// initialise sets the state's loc and scale from x's statistics.
func (k *ActNormKernel) initialise(x *tensor.Dense) {
	n, c, h, w := nn.Dims4(x)
	mean, variance := channelStats(nn.Data(x), n, c, h*w)
	m := float64(n * h * w)
	loc, scale := nn.Data(k.State.Loc), nn.Data(k.State.Scale)
	for ch := range mean {
		std := float32(math.Sqrt(variance[ch] * m / (m - 1)))
		loc[ch] = float32(-mean[ch])
		scale[ch] = 1 / (std + 1e-6)
	}
	k.State.Initialized = true
	k.loc, k.scale = append([]float32(nil), loc...), append([]float32(nil), scale...)
}

// params returns the loc and scale this pass uses.
func (k *ActNormKernel) params(in []*tensor.Dense) (loc, scale []float32) {
	if k.loc != nil {
		return k.loc, k.scale
	}
	return nn.Data(in[1]), nn.Data(in[2])
}

func (k *ActNormKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	x := in[0]
	k.loc, k.scale = nil, nil
	if !k.State.Initialized {
		k.initialise(x)
	}
	loc, scale := k.params(in)
	n, c, h, w := nn.Dims4(x)
	plane := h * w
	out := zerosLike(x)
	xs, ys := nn.Data(x), nn.Data(out)
	nn.For(n*c, 1, func(lo, hi int) {
		for bc := lo; bc < hi; bc++ {
			l, s := loc[bc%c], scale[bc%c]
			dst := ys[bc*plane : (bc+1)*plane]
			for i, v := range xs[bc*plane : (bc+1)*plane] {
				dst[i] = s * (v + l)
			}
		}
	})
	return out, nil
}

func (k *ActNormKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	x := in[0]
	loc, scale := k.params(in)
	n, c, h, w := nn.Dims4(x)
	plane := h * w
	dx, dloc, dscale := zerosLike(x), zerosLike(in[1]), zerosLike(in[2])
	xs, gs, dxs, dl, ds := nn.Data(x), nn.Data(grad), nn.Data(dx), nn.Data(dloc), nn.Data(dscale)
	nn.For(c, 1, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			l, s := loc[ch], scale[ch]
			var sumG, sumGX float64 // sum(dy), sum(dy * (x + loc))
			for b := 0; b < n; b++ {
				off := (b*c + ch) * plane
				for i, g := range gs[off : off+plane] {
					sumG += float64(g)
					sumGX += float64(g) * float64(xs[off+i]+l)
					dxs[off+i] = g * s
				}
			}
			dl[ch], ds[ch] = float32(sumG*float64(s)), float32(sumGX)
		}
	})
	return []*tensor.Dense{dx, dloc, dscale}, nil
}
