package ops

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/nn/blas"
)

// CausalAttentionKernel is minGPT's causal multi-head self-attention on the
// outputs of the query, key and value projections, q, k, v [B, T, C]: the
// channels split into Heads heads, softmax(q·kᵀ/sqrt(C/Heads)) with
// position i attending to positions j <= i, times v, heads merged back to
// [B, T, C]. The output projection is a separate Linear.
type CausalAttentionKernel struct{ Heads int }

// CausalSelfAttention adds causal attention over q, k and v to the graph.
func CausalSelfAttention(q, k, v *G.Node, heads int) *G.Node {
	return Must(CausalAttentionKernel{Heads: heads}, q, k, v)
}

func (k CausalAttentionKernel) Name() string {
	return fmt.Sprintf("causal_attention(%d heads)", k.Heads)
}

func (k CausalAttentionKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("want q, k and v, got %d inputs", len(in))
	}
	q := in[0]
	if q.Dims() != 3 {
		return nil, fmt.Errorf("want q [B, T, C], got %v", q)
	}
	for _, s := range in[1:] {
		if !s.Eq(q) {
			return nil, fmt.Errorf("q %v, k %v and v %v differ", in[0], in[1], in[2])
		}
	}
	if k.Heads <= 0 || q[2]%k.Heads != 0 {
		return nil, fmt.Errorf("%d channels do not split into %d heads", q[2], k.Heads)
	}
	return q.Clone(), nil
}

func (CausalAttentionKernel) Differentiable(inputs int) []bool { return all(inputs) }

// dims gives batch, sequence length, channels, head size and the score scale.
func (k CausalAttentionKernel) dims(q *tensor.Dense) (b, t, c, hs int, scale float32) {
	s := q.Shape()
	b, t, c = s[0], s[1], s[2]
	hs = c / k.Heads
	return b, t, c, hs, float32(1 / math.Sqrt(float64(hs)))
}

// probs writes head h of sequence b's attention weights into p [T, T]:
// scaled scores, each row softmaxed over its causal prefix, zero beyond.
func (k CausalAttentionKernel) probs(p, q, key []float32, b, h, t, c, hs int, scale float32) {
	off := b*t*c + h*hs
	blas.Sgemm(false, true, t, t, hs, scale, q[off:], c, key[off:], c, 0, p, t)
	for i := 0; i < t; i++ {
		row := p[i*t : (i+1)*t]
		nn.Softmax(row[:i+1])
		clear(row[i+1:])
	}
}

func (k CausalAttentionKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	bs, t, c, hs, scale := k.dims(in[0])
	q, key, v := nn.Data(in[0]), nn.Data(in[1]), nn.Data(in[2])
	outT := zerosLike(in[0])
	out := nn.Data(outT)
	nn.For(bs*k.Heads, 1, func(lo, hi int) {
		p := make([]float32, t*t)
		for bh := lo; bh < hi; bh++ {
			b, h := bh/k.Heads, bh%k.Heads
			k.probs(p, q, key, b, h, t, c, hs, scale)
			off := b*t*c + h*hs
			blas.Sgemm(false, false, t, hs, t, 1, p, t, v[off:], c, 0, out[off:], c)
		}
	})
	return outT, nil
}

// Backward recomputes the attention weights P (cheap next to keeping them
// between passes) and, per head, with S the scaled scores:
// dV = Pᵀ·dY, dP = dY·Vᵀ, dS = P⊙(dP - rowsum(P⊙dP)), dQ = scale·dS·K,
// dK = scale·dSᵀ·Q. Masked entries have P = 0, so their dS is 0.
func (k CausalAttentionKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	bs, t, c, hs, scale := k.dims(in[0])
	q, key, v, dy := nn.Data(in[0]), nn.Data(in[1]), nn.Data(in[2]), nn.Data(grad)
	dqT, dkT, dvT := zerosLike(in[0]), zerosLike(in[1]), zerosLike(in[2])
	dq, dk, dv := nn.Data(dqT), nn.Data(dkT), nn.Data(dvT)
	nn.For(bs*k.Heads, 1, func(lo, hi int) {
		p, ds := make([]float32, t*t), make([]float32, t*t)
		for bh := lo; bh < hi; bh++ {
			b, h := bh/k.Heads, bh%k.Heads
			k.probs(p, q, key, b, h, t, c, hs, scale)
			off := b*t*c + h*hs
			blas.Sgemm(true, false, t, hs, t, 1, p, t, dy[off:], c, 0, dv[off:], c)
			blas.Sgemm(false, true, t, t, hs, 1, dy[off:], c, v[off:], c, 0, ds, t)
			for i := 0; i < t; i++ {
				pr, dr := p[i*t:i*t+i+1], ds[i*t:i*t+i+1]
				var dot float32
				for j, pv := range pr {
					dot += pv * dr[j]
				}
				for j, pv := range pr {
					dr[j] = pv * (dr[j] - dot)
				}
				clear(ds[i*t+i+1 : (i+1)*t])
			}
			blas.Sgemm(false, false, t, hs, t, scale, ds, t, key[off:], c, 0, dq[off:], c)
			blas.Sgemm(true, false, t, hs, t, scale, ds, t, q[off:], c, 0, dk[off:], c)
		}
	})
	return []*tensor.Dense{dqT, dkT, dvT}, nil
}
