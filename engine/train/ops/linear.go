package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/nn/blas"
)

// LinearKernel is torch's nn.Linear: y = x·Wᵀ + b over the last axis of x
// (any leading axes), with W stored [out, in] and an optional bias [out].
type LinearKernel struct{}

// Linear adds x·wᵀ + b to the graph; b may be nil.
func Linear(x, w, b *G.Node) *G.Node {
	if b == nil {
		return Must(LinearKernel{}, x, w)
	}
	return Must(LinearKernel{}, x, w, b)
}

func (LinearKernel) Name() string { return "linear" }

func (LinearKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 2 && len(in) != 3 {
		return nil, fmt.Errorf("want x, weight and an optional bias, got %d inputs", len(in))
	}
	x, w := in[0], in[1]
	if x.Dims() < 1 || w.Dims() != 2 {
		return nil, fmt.Errorf("want x [..., in] and weight [out, in], got %v and %v", x, w)
	}
	if x[x.Dims()-1] != w[1] {
		return nil, fmt.Errorf("input %v has %d features, weight %v wants %d", x, x[x.Dims()-1], w, w[1])
	}
	if len(in) == 3 && (in[2].Dims() != 1 || in[2][0] != w[0]) {
		return nil, fmt.Errorf("bias %v does not fit weight %v", in[2], w)
	}
	out := x.Clone()
	out[out.Dims()-1] = w[0]
	return out, nil
}

func (LinearKernel) Differentiable(inputs int) []bool { return all(inputs) }

// layer views the inputs as nn's Linear and the number of rows of x.
func (LinearKernel) layer(in []*tensor.Dense) (*nn.Linear, int) {
	w := in[1].Shape()
	l := &nn.Linear{Weight: nn.Data(in[1]), In: w[1], Out: w[0]}
	if len(in) == 3 {
		l.Bias = nn.Data(in[2])
	}
	return l, len(nn.Data(in[0])) / l.In
}

func (k LinearKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	l, rows := k.layer(in)
	s := in[0].Shape().Clone()
	s[len(s)-1] = l.Out
	out := make([]float32, rows*l.Out)
	l.Forward(out, nn.Data(in[0]), rows)
	return nn.FromSlice(out, s...), nil
}

func (k LinearKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	l, rows := k.layer(in)
	x, dy := nn.Data(in[0]), nn.Data(grad)
	grads := make([]*tensor.Dense, len(in))
	grads[0], grads[1] = zerosLike(in[0]), zerosLike(in[1])
	// dx = dy·W, dW = dyᵀ·x
	blas.Sgemm(false, false, rows, l.In, l.Out, 1, dy, l.Out, l.Weight, l.In, 0, nn.Data(grads[0]), l.In)
	blas.Sgemm(true, false, l.Out, l.In, rows, 1, dy, l.Out, x, l.In, 0, nn.Data(grads[1]), l.In)
	if len(in) == 3 {
		grads[2] = zerosLike(in[2])
		sumRowsInto(nn.Data(grads[2]), dy, l.Out)
	}
	return grads, nil
}

// sumRowsInto adds the rows of the [rows, n] matrix m into dst [n], each
// core summing its own columns so the order of additions is fixed.
func sumRowsInto(dst, m []float32, n int) {
	rows := len(m) / n
	nn.For(n, 64, func(lo, hi int) {
		d := dst[lo:hi]
		for r := 0; r < rows; r++ {
			row := m[r*n+lo : r*n+hi]
			for i, v := range row {
				d[i] += v
			}
		}
	})
}
