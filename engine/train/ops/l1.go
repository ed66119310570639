package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// L1MeanKernel is mean(|x - y|) over all elements of two tensors of one
// shape, a scalar.
type L1MeanKernel struct{}

// L1Mean adds mean(|x - y|) to the graph.
func L1Mean(x, y *G.Node) *G.Node { return Must(L1MeanKernel{}, x, y) }

func (L1MeanKernel) Name() string { return "l1_mean" }

func (L1MeanKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("want x and y, got %d inputs", len(in))
	}
	if !in[0].Eq(in[1]) {
		return nil, fmt.Errorf("shapes %v and %v differ", in[0], in[1])
	}
	return tensor.ScalarShape(), nil
}

func (L1MeanKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (L1MeanKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	x, y := nn.Data(in[0]), nn.Data(in[1])
	var s float64
	for i, v := range x {
		d := v - y[i]
		if d < 0 {
			d = -d
		}
		s += float64(d)
	}
	return scalar(float32(s / float64(len(x)))), nil
}

// Backward is sign(x - y) * g / count for x and its negative for y, 0
// where x equals y, as torch's abs gives.
func (L1MeanKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	dx, dy := zerosLike(in[0]), zerosLike(in[1])
	x, y, gx, gy := nn.Data(in[0]), nn.Data(in[1]), nn.Data(dx), nn.Data(dy)
	g := nn.Data(grad)[0] / float32(len(x))
	nn.For(len(x), elementGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			switch d := x[i] - y[i]; {
			case d > 0:
				gx[i], gy[i] = g, -g
			case d < 0:
				gx[i], gy[i] = -g, g
			}
		}
	})
	return []*tensor.Dense{dx, dy}, nil
}
