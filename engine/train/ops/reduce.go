package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// MeanKernel is the mean of every element, a scalar.
type MeanKernel struct{}

// Mean adds mean(x) to the graph.
func Mean(x *G.Node) *G.Node { return Must(MeanKernel{}, x) }

func (MeanKernel) Name() string { return "mean" }

func (MeanKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("want one input, got %d", len(in))
	}
	return tensor.ScalarShape(), nil
}

func (MeanKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (MeanKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	x := nn.Data(in[0])
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return scalar(float32(s / float64(len(x)))), nil
}

func (MeanKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	g := zerosLike(in[0])
	d := nn.Data(g)
	v := nn.Data(grad)[0] / float32(len(d))
	for i := range d {
		d[i] = v
	}
	return []*tensor.Dense{g}, nil
}

// scalar is a kernel's scalar result.
func scalar(v float32) *tensor.Dense {
	return tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{v}))
}

// Scalar wraps v as a scalar kernel result, for kernels written outside
// this package.
func Scalar(v float32) *tensor.Dense { return scalar(v) }
