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
	nn.For(len(x), 1<<12, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dx[i] = dy[i] * geluGrad(x[i])
		}
	})
	return []*tensor.Dense{out}, nil
}

// geluGrad is Φ(v) + v·φ(v), with Φ from the erf approximation nn.Erf32
// uses (Abramowitz & Stegun 7.1.26). Its exp(-u²) at u = v/√2 is
// exp(-v²/2), φ's exponential too, so one exp serves both.
func geluGrad(v float32) float32 {
	const invSqrt2, invSqrt2Pi = 1 / math.Sqrt2, 0.3989422804014327
	u := v * invSqrt2
	a := u
	if a < 0 {
		a = -a
	}
	t := 1 / (1 + 0.3275911*a)
	poly := t * (0.254829592 + t*(-0.284496736+t*(1.421413741+t*(-1.453152027+t*1.061405429))))
	e := nn.Exp32(-u * u)
	erf := 1 - poly*e
	if u < 0 {
		erf = -erf
	}
	return 0.5*(1+erf) + v*invSqrt2Pi*e
}
