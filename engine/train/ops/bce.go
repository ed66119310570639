package ops

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// BCEWithLogitsKernel is torch.nn.functional.binary_cross_entropy_with_logits
// with mean reduction: a scalar of the logits and a target of their shape.
// The target gets no gradient.
type BCEWithLogitsKernel struct{}

// BCEWithLogits adds mean(bce_with_logits(logits, target)) to the graph.
func BCEWithLogits(logits, target *G.Node) *G.Node {
	return Must(BCEWithLogitsKernel{}, logits, target)
}

func (BCEWithLogitsKernel) Name() string { return "bce_with_logits" }

func (BCEWithLogitsKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("want logits and target, got %d inputs", len(in))
	}
	if !in[0].Eq(in[1]) {
		return nil, fmt.Errorf("logits %v and target %v differ in shape", in[0], in[1])
	}
	if in[0].TotalSize() == 0 {
		return nil, fmt.Errorf("logits of shape %v are empty", in[0])
	}
	return tensor.ScalarShape(), nil
}

func (BCEWithLogitsKernel) Differentiable(int) []bool { return []bool{true, false} }

// Forward uses the stable form max(x, 0) - x*t + log(1 + exp(-|x|)).
func (BCEWithLogitsKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	x, t := nn.Data(in[0]), nn.Data(in[1])
	var s float64
	for i, v := range x {
		xv, tv := float64(v), float64(t[i])
		s += math.Max(xv, 0) - xv*tv + math.Log1p(math.Exp(-math.Abs(xv)))
	}
	return scalar(float32(s / float64(len(x)))), nil
}

// Backward: d/dx = (sigmoid(x) - t) / n.
func (BCEWithLogitsKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	x, t := nn.Data(in[0]), nn.Data(in[1])
	dx := zerosLike(in[0])
	d := nn.Data(dx)
	c := float64(nn.Data(grad)[0]) / float64(len(x))
	for i, v := range x {
		d[i] = float32(c * (sigmoid64(float64(v)) - float64(t[i])))
	}
	return []*tensor.Dense{dx, nil}, nil
}

// sigmoid64 is the logistic function without overflow for either sign.
func sigmoid64(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	z := math.Exp(x)
	return z / (1 + z)
}
