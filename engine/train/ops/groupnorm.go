package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// GroupNormKernel is torch.nn.GroupNorm over x [N, C, H, W] with a
// per-channel affine transform: inputs x, gamma [C], beta [C].
type GroupNormKernel struct {
	Groups int
	Eps    float32
}

// GroupNorm adds groupnorm(x) * gamma + beta to the graph.
func GroupNorm(x, gamma, beta *G.Node, groups int, eps float32) *G.Node {
	return Must(&GroupNormKernel{Groups: groups, Eps: eps}, x, gamma, beta)
}

func (k *GroupNormKernel) Name() string { return fmt.Sprintf("groupnorm(%d)", k.Groups) }

func (k *GroupNormKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("want x, gamma and beta, got %d inputs", len(in))
	}
	x := in[0]
	if x.Dims() != 4 {
		return nil, fmt.Errorf("want a 4-D input, got %v", x)
	}
	if k.Groups <= 0 || x[1]%k.Groups != 0 {
		return nil, fmt.Errorf("%d channels of %v do not split into %d groups", x[1], x, k.Groups)
	}
	for i, name := range []string{"gamma", "beta"} {
		if s := in[1+i]; s.Dims() != 1 || s[0] != x[1] {
			return nil, fmt.Errorf("%s %v does not fit %d channels", name, s, x[1])
		}
	}
	return x.Clone(), nil
}

func (k *GroupNormKernel) Differentiable(inputs int) []bool { return all(inputs) }

// Forward is engine/nn's GroupNorm, whose statistics and per-channel
// scale/shift follow PyTorch's CPU kernel.
func (k *GroupNormKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	x := in[0]
	n, c, h, w := nn.Dims4(x)
	g := nn.GroupNorm{Groups: k.Groups, C: c, Eps: k.Eps, Weight: nn.Data(in[1]), Bias: nn.Data(in[2])}
	pro := g.Prologue(x, false)
	out := emptyLike(x)
	src, dst, hw := nn.Data(x), nn.Data(out), h*w
	nn.For(n*c, 1, func(lo, hi int) {
		for bc := lo; bc < hi; bc++ {
			pro.Apply(dst[bc*hw:(bc+1)*hw], src[bc*hw:(bc+1)*hw], bc)
		}
	})
	return out, nil
}

// Backward uses, per group of D elements with xhat = (x - mean) * rstd and
// dxhat = gamma * dy,
//
//	dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),
//
// which is exact with eps inside rstd; dgamma = sum(dy * xhat) and
// dbeta = sum(dy) per channel.
func (k *GroupNormKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	x := in[0]
	n, c, h, w := nn.Dims4(x)
	gamma := nn.Data(in[1])
	// With unit gamma and zero beta the prologue's per-channel transform
	// is exactly xhat = x*rstd - mean*rstd, as the forward pass measured it.
	ones := make([]float32, c)
	for i := range ones {
		ones[i] = 1
	}
	unit := nn.GroupNorm{Groups: k.Groups, C: c, Eps: k.Eps, Weight: ones, Bias: make([]float32, c)}
	pro := unit.Prologue(x, false)

	dx := emptyLike(x)
	xs, dy, dxs := nn.Data(x), nn.Data(grad), nn.Data(dx)
	hw, per := h*w, c/k.Groups
	sumDy := make([]float64, n*c)   // per (sample, channel)
	sumDyXh := make([]float64, n*c) // per (sample, channel)
	nn.For(n*k.Groups, 1, func(lo, hi int) {
		for ng := lo; ng < hi; ng++ {
			b, grp := ng/k.Groups, ng%k.Groups
			var meanDxh, meanDxhXh float64
			for ch := grp * per; ch < (grp+1)*per; ch++ {
				bc := b*c + ch
				s, sx := nn.NormSums(dy[bc*hw:(bc+1)*hw], xs[bc*hw:(bc+1)*hw], pro.Scale[bc], pro.Shift[bc])
				sumDy[bc], sumDyXh[bc] = s, sx
				meanDxh += float64(gamma[ch]) * s
				meanDxhXh += float64(gamma[ch]) * sx
			}
			d := float64(per * hw)
			m1, m2 := float32(meanDxh/d), float32(meanDxhXh/d)
			for ch := grp * per; ch < (grp+1)*per; ch++ {
				bc := b*c + ch
				nn.NormGrad(dxs[bc*hw:(bc+1)*hw], dy[bc*hw:(bc+1)*hw], xs[bc*hw:(bc+1)*hw], pro.Scale[bc], pro.Shift[bc], gamma[ch], m1, m2)
			}
		}
	})

	dgamma, dbeta := zerosLike(in[1]), zerosLike(in[2])
	dg, db := nn.Data(dgamma), nn.Data(dbeta)
	for ch := 0; ch < c; ch++ {
		var s, sx float64
		for b := 0; b < n; b++ {
			s += sumDy[b*c+ch]
			sx += sumDyXh[b*c+ch]
		}
		dg[ch], db[ch] = float32(sx), float32(s)
	}
	return []*tensor.Dense{dx, dgamma, dbeta}, nil
}
