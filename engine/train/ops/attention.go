package ops

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/nn/blas"
)

// SpatialAttentionKernel is the core of taming's AttnBlock: single-head
// attention over all H*W positions of q, k, v [B, C, H, W],
//
//	w[b,i,j] = softmax_j(sum_c q[b,c,i] k[b,c,j] / sqrt(C)),
//	out[b,c,i] = sum_j v[b,c,j] w[b,i,j].
type SpatialAttentionKernel struct{}

// SpatialAttention adds the attention of q over k and v to the graph.
func SpatialAttention(q, k, v *G.Node) *G.Node { return Must(SpatialAttentionKernel{}, q, k, v) }

func (SpatialAttentionKernel) Name() string { return "spatial_attention" }

func (SpatialAttentionKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("want q, k and v, got %d inputs", len(in))
	}
	if in[0].Dims() != 4 {
		return nil, fmt.Errorf("want 4-D q, k and v, got q %v", in[0])
	}
	for i, name := range []string{"k", "v"} {
		if !in[1+i].Eq(in[0]) {
			return nil, fmt.Errorf("%s %v differs from q %v", name, in[1+i], in[0])
		}
	}
	return in[0].Clone(), nil
}

func (SpatialAttentionKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (SpatialAttentionKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	n, c, h, w := nn.Dims4(in[0])
	hw := h * w
	out := zerosLike(in[0])
	o, v := nn.Data(out), nn.Data(in[2])
	probs := make([]float32, hw*hw)
	for b := 0; b < n; b++ {
		attentionProbs(probs, in, b)
		// out[c,i] = sum_j v[c,j] probs[i,j]
		blas.Sgemm(false, true, c, hw, hw, 1, v[b*c*hw:(b+1)*c*hw], hw, probs, hw, 0, o[b*c*hw:(b+1)*c*hw], hw)
	}
	return out, nil
}

// attentionProbs writes batch item b's attention weights [HW, HW] (query
// rows, key columns) into probs, as the inference AttnBlock computes them.
func attentionProbs(probs []float32, in []*tensor.Dense, b int) {
	_, c, h, w := nn.Dims4(in[0])
	hw := h * w
	q, k := nn.Data(in[0])[b*c*hw:(b+1)*c*hw], nn.Data(in[1])[b*c*hw:(b+1)*c*hw]
	blas.Sgemm(true, false, hw, hw, c, attentionScale(c), q, hw, k, hw, 0, probs, hw)
	nn.SoftmaxRows(probs, hw)
}

// attentionScale is taming's C^-0.5, C the full channel count.
func attentionScale(c int) float32 { return float32(1 / math.Sqrt(float64(c))) }

// Backward recomputes each batch item's weights P rather than keeping them
// from the forward pass, then with dO = d(loss)/d(out):
//
//	dV = dO P,  dP = dO^T V,  dS = P * (dP - rowsum(P * dP)),
//	dQ = scale K dS^T,  dK = scale Q dS.
func (SpatialAttentionKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	n, c, h, w := nn.Dims4(in[0])
	hw := h * w
	scale := attentionScale(c)
	grads := []*tensor.Dense{zerosLike(in[0]), zerosLike(in[1]), zerosLike(in[2])}
	q, k, v, do := nn.Data(in[0]), nn.Data(in[1]), nn.Data(in[2]), nn.Data(grad)
	dq, dk, dv := nn.Data(grads[0]), nn.Data(grads[1]), nn.Data(grads[2])
	probs, ds := make([]float32, hw*hw), make([]float32, hw*hw)
	for b := 0; b < n; b++ {
		lo, hi := b*c*hw, (b+1)*c*hw
		attentionProbs(probs, in, b)
		blas.Sgemm(false, false, c, hw, hw, 1, do[lo:hi], hw, probs, hw, 0, dv[lo:hi], hw)
		blas.Sgemm(true, false, hw, hw, c, 1, do[lo:hi], hw, v[lo:hi], hw, 0, ds, hw)
		// Softmax backward as PyTorch's: (dP - sum(dP * P)) * P, row by row.
		nn.For(hw, 8, func(r0, r1 int) {
			for r := r0; r < r1; r++ {
				p, d := probs[r*hw:(r+1)*hw], ds[r*hw:(r+1)*hw]
				var dot float64
				for j, pv := range p {
					dot += float64(d[j]) * float64(pv)
				}
				s := float32(dot)
				for j, pv := range p {
					d[j] = (d[j] - s) * pv
				}
			}
		})
		blas.Sgemm(false, true, c, hw, hw, scale, k[lo:hi], hw, ds, hw, 0, dq[lo:hi], hw)
		blas.Sgemm(false, false, c, hw, hw, scale, q[lo:hi], hw, ds, hw, 0, dk[lo:hi], hw)
	}
	return grads, nil
}
