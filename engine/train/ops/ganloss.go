package ops

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// The discriminator losses of taming's VQLPIPSWithDiscriminator, each a
// scalar of the real and the fake logit maps (which need not have one shape,
// each is averaged on its own).

// HingeDKernel is 0.5 * (mean(relu(1 - real)) + mean(relu(1 + fake))).
type HingeDKernel struct{}

// HingeD adds taming's hinge_d_loss(real, fake) to the graph.
func HingeD(real, fake *G.Node) *G.Node { return Must(HingeDKernel{}, real, fake) }

func (HingeDKernel) Name() string { return "hinge_d_loss" }

func (HingeDKernel) Shape(in []tensor.Shape) (tensor.Shape, error) { return discLossShape(in) }

func (HingeDKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (HingeDKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	real := lossMean(nn.Data(in[0]), func(v float64) float64 { return math.Max(0, 1-v) })
	fake := lossMean(nn.Data(in[1]), func(v float64) float64 { return math.Max(0, 1+v) })
	return scalar(float32(0.5 * (real + fake))), nil
}

// Backward: relu passes no gradient where its argument is <= 0, as in
// PyTorch.
func (HingeDKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	g := float64(nn.Data(grad)[0])
	real := lossGrad(in[0], g, func(v float64) float64 {
		if 1-v > 0 {
			return -1
		}
		return 0
	})
	fake := lossGrad(in[1], g, func(v float64) float64 {
		if 1+v > 0 {
			return 1
		}
		return 0
	})
	return []*tensor.Dense{real, fake}, nil
}

// VanillaDKernel is 0.5 * (mean(softplus(-real)) + mean(softplus(fake))).
type VanillaDKernel struct{}

// VanillaD adds taming's vanilla_d_loss(real, fake) to the graph.
func VanillaD(real, fake *G.Node) *G.Node { return Must(VanillaDKernel{}, real, fake) }

func (VanillaDKernel) Name() string { return "vanilla_d_loss" }

func (VanillaDKernel) Shape(in []tensor.Shape) (tensor.Shape, error) { return discLossShape(in) }

func (VanillaDKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (VanillaDKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	real := lossMean(nn.Data(in[0]), func(v float64) float64 { return softplus64(-v) })
	fake := lossMean(nn.Data(in[1]), softplus64)
	return scalar(float32(0.5 * (real + fake))), nil
}

func (VanillaDKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	g := float64(nn.Data(grad)[0])
	real := lossGrad(in[0], g, func(v float64) float64 { return -softplus64Grad(-v) })
	fake := lossGrad(in[1], g, softplus64Grad)
	return []*tensor.Dense{real, fake}, nil
}

func discLossShape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("want the real and the fake logits, got %d inputs", len(in))
	}
	for i, s := range in {
		if s.TotalSize() == 0 {
			return nil, fmt.Errorf("input %d of shape %v is empty", i, s)
		}
	}
	return tensor.ScalarShape(), nil
}

// softplus64 is PyTorch's softplus (beta 1, threshold 20): linear above the threshold.
func softplus64(x float64) float64 {
	if x > 20 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

// softplus64Grad is d softplus / dx, the sigmoid below the threshold.
func softplus64Grad(x float64) float64 {
	if x > 20 {
		return 1
	}
	z := math.Exp(x)
	return z / (z + 1)
}

// lossMean is the mean of f over xs, accumulated in float64.
func lossMean(xs []float32, f func(float64) float64) float64 {
	var s float64
	for _, v := range xs {
		s += f(float64(v))
	}
	return s / float64(len(xs))
}

// lossGrad is the gradient of 0.5 * mean(f(x)) scaled by g, where df gives
// f's derivative at each element.
func lossGrad(x *tensor.Dense, g float64, df func(float64) float64) *tensor.Dense {
	out := zerosLike(x)
	xs, d := nn.Data(x), nn.Data(out)
	c := 0.5 * g / float64(len(xs))
	for i, v := range xs {
		d[i] = float32(c * df(float64(v)))
	}
	return out
}
