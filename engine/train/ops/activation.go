package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// SwishKernel is x * sigmoid(x), taming's nonlinearity.
type SwishKernel struct{}

// Swish adds x * sigmoid(x) to the graph.
func Swish(x *G.Node) *G.Node { return Must(SwishKernel{}, x) }

func (SwishKernel) Name() string { return "swish" }

func (SwishKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("want one input, got %d", len(in))
	}
	return in[0].Clone(), nil
}

func (SwishKernel) Differentiable(inputs int) []bool { return all(inputs) }

// elementGrain is the least number of elements an elementwise loop hands
// to one goroutine.
const elementGrain = 1 << 13

func (SwishKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	out := emptyLike(in[0])
	x, o := nn.Data(in[0]), nn.Data(out)
	nn.For(len(x), elementGrain, func(lo, hi int) { nn.SwishSlice(o[lo:hi], x[lo:hi]) })
	return out, nil
}

// Backward follows autograd through x * sigmoid(x): g*s + (g*x)*(1-s)*s.
func (SwishKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	dx := emptyLike(in[0])
	x, g, d := nn.Data(in[0]), nn.Data(grad), nn.Data(dx)
	nn.For(len(x), elementGrain, func(lo, hi int) { nn.SwishBackward(d[lo:hi], x[lo:hi], g[lo:hi]) })
	return []*tensor.Dense{dx}, nil
}
