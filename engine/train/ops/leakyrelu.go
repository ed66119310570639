package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// LeakyReLUKernel is x for x > 0 and Slope*x otherwise, elementwise.
type LeakyReLUKernel struct{ Slope float32 }

// LeakyReLU adds leaky_relu(x, slope) to the graph (0.2 in taming's
// discriminator).
func LeakyReLU(x *G.Node, slope float32) *G.Node { return Must(LeakyReLUKernel{Slope: slope}, x) }

func (k LeakyReLUKernel) Name() string { return fmt.Sprintf("leaky_relu(%g)", k.Slope) }

func (LeakyReLUKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("want one input, got %d", len(in))
	}
	return in[0].Clone(), nil
}

func (LeakyReLUKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (k LeakyReLUKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	out := emptyLike(in[0])
	x, y := nn.Data(in[0]), nn.Data(out)
	nn.For(len(x), 1<<14, func(lo, hi int) { nn.Leaky(y[lo:hi], x[lo:hi], x[lo:hi], k.Slope) })
	return out, nil
}

// Backward follows PyTorch: the slope applies where the input is <= 0.
func (k LeakyReLUKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	dx := emptyLike(in[0])
	x, g, d := nn.Data(in[0]), nn.Data(grad), nn.Data(dx)
	nn.For(len(x), 1<<14, func(lo, hi int) { nn.Leaky(d[lo:hi], x[lo:hi], g[lo:hi], k.Slope) })
	return []*tensor.Dense{dx}, nil
}
