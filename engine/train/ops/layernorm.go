package ops

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// LayerNormKernel normalises x over its last axis and applies a per-feature
// scale (gamma) and shift (beta), as torch's nn.LayerNorm.
type LayerNormKernel struct{ Eps float32 }

// LayerNorm adds layer_norm(x)·gamma + beta over the last axis of x.
func LayerNorm(x, gamma, beta *G.Node, eps float32) *G.Node {
	return Must(LayerNormKernel{Eps: eps}, x, gamma, beta)
}

func (LayerNormKernel) Name() string { return "layernorm" }

func (LayerNormKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("want x, gamma and beta, got %d inputs", len(in))
	}
	x := in[0]
	if x.Dims() < 1 {
		return nil, fmt.Errorf("want x [..., C], got %v", x)
	}
	c := x[x.Dims()-1]
	for _, p := range in[1:] {
		if p.Dims() != 1 || p[0] != c {
			return nil, fmt.Errorf("gamma and beta must be [%d] for x %v, got %v", c, x, p)
		}
	}
	return x.Clone(), nil
}

func (LayerNormKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (k LayerNormKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	c := in[1].Shape()[0]
	l := nn.LayerNorm{C: c, Eps: k.Eps, Weight: nn.Data(in[1]), Bias: nn.Data(in[2])}
	out := zerosLike(in[0])
	l.Forward(nn.Data(out), nn.Data(in[0]))
	return out, nil
}

// Backward, per row with x̂ = (x-mean)·inv and g = dy·gamma:
// dx = inv·(g - mean(g) - x̂·mean(g·x̂)), dgamma = Σ dy·x̂, dbeta = Σ dy.
func (k LayerNormKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	c := in[1].Shape()[0]
	x, gamma, dy := nn.Data(in[0]), nn.Data(in[1]), nn.Data(grad)
	dxT := zerosLike(in[0])
	dx := nn.Data(dxT)
	rows := len(x) / c
	// Each worker sums its rows' dgamma and dbeta apart; the partial sums
	// are added in worker order, so the result does not depend on timing.
	type partial struct{ dg, db []float32 }
	var parts []*partial
	chunk := max(4, (rows+7)/8)
	for lo := 0; lo < rows; lo += chunk {
		parts = append(parts, &partial{make([]float32, c), make([]float32, c)})
	}
	nn.For(len(parts), 1, func(plo, phi int) {
		xh, g := make([]float32, c), make([]float32, c)
		for p := plo; p < phi; p++ {
			part := parts[p]
			for r := p * chunk; r < min((p+1)*chunk, rows); r++ {
				xs, ds := x[r*c:(r+1)*c], dy[r*c:(r+1)*c]
				mean, inv := layerStats(xs, k.Eps)
				var sg, sgx float32
				for i, v := range xs {
					xh[i] = (v - mean) * inv
					g[i] = ds[i] * gamma[i]
					sg += g[i]
					sgx += g[i] * xh[i]
					part.dg[i] += ds[i] * xh[i]
					part.db[i] += ds[i]
				}
				sg /= float32(c)
				sgx /= float32(c)
				out := dx[r*c : (r+1)*c]
				for i := range out {
					out[i] = inv * (g[i] - sg - xh[i]*sgx)
				}
			}
		}
	})
	dgT, dbT := zerosLike(in[1]), zerosLike(in[2])
	dg, db := nn.Data(dgT), nn.Data(dbT)
	for _, p := range parts {
		nn.AddInPlace(dg, p.dg)
		nn.AddInPlace(db, p.db)
	}
	return []*tensor.Dense{dxT, dgT, dbT}, nil
}

// layerStats returns a row's mean and 1/sqrt(biased variance + eps) the way
// nn.LayerNorm computes them (float64 sums), so the backward pass sees the
// forward pass's normalisation.
func layerStats(xs []float32, eps float32) (float32, float32) {
	var s, q float64
	for _, v := range xs {
		s += float64(v)
		q += float64(v) * float64(v)
	}
	n := float64(len(xs))
	mean := s / n
	v := max(q/n-mean*mean, 0)
	return float32(mean), float32(1 / math.Sqrt(v+float64(eps)))
}
