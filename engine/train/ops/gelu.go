package ops

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// GELUKernel is the exact (erf) GELU, x·Φ(x), torch's nn.GELU() default.
type GELUKernel struct{}

// GELU adds gelu(x) to the graph.
func GELU(x *G.Node) *G.Node { return Must(GELUKernel{}, x) }

func (GELUKernel) Name() string { return "gelu" }

func (GELUKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("want one input, got %d", len(in))
	}
	return in[0].Clone(), nil
}

func (GELUKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (GELUKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	out := in[0].Clone().(*tensor.Dense)
	nn.GELU(nn.Data(out))
	return out, nil
}

// Backward: d/dx x·Φ(x) = Φ(x) + x·φ(x).
func (GELUKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	out := zerosLike(in[0])
	x, dy, dx := nn.Data(in[0]), nn.Data(grad), nn.Data(out)
	const invSqrt2, invSqrt2Pi = 1 / math.Sqrt2, 0.3989422804014327
	nn.For(len(x), 1<<12, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			v := x[i]
			cdf := 0.5 * (1 + nn.Erf32(v*invSqrt2))
			pdf := invSqrt2Pi * nn.Exp32(-0.5*v*v)
			dx[i] = dy[i] * (cdf + v*pdf)
		}
	})
	return []*tensor.Dense{out}, nil
}
