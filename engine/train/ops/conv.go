package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// Conv2d is a 2-D convolution of x [N, In, H, W] with weights [Out, In, KH,
// KW] and an optional bias [Out], over nn.Conv2d.
type Conv2d struct {
	Stride int
	Pad    nn.Padding
}

// Conv adds conv(x, w) + b to the graph; b may be nil.
func Conv(x, w, b *G.Node, stride int, pad nn.Padding) *G.Node {
	k := &Conv2d{Stride: stride, Pad: pad}
	if b == nil {
		return Must(k, x, w)
	}
	return Must(k, x, w, b)
}

func (k *Conv2d) Name() string { return "conv2d" }

func (k *Conv2d) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 2 && len(in) != 3 {
		return nil, fmt.Errorf("want x, weight and an optional bias, got %d inputs", len(in))
	}
	x, w := in[0], in[1]
	if x.Dims() != 4 || w.Dims() != 4 {
		return nil, fmt.Errorf("want 4-D input and weight, got %v and %v", x, w)
	}
	if x[1] != w[1] {
		return nil, fmt.Errorf("input %v has %d channels, weight %v wants %d", x, x[1], w, w[1])
	}
	if len(in) == 3 && (in[2].Dims() != 1 || in[2][0] != w[0]) {
		return nil, fmt.Errorf("bias %v does not fit weight %v", in[2], w)
	}
	c := k.layer(w, nil, nil)
	oh, ow := c.OutputSize(x[2], x[3])
	if oh <= 0 || ow <= 0 {
		return nil, fmt.Errorf("%dx%d kernel does not fit a %dx%d input", w[2], w[3], x[2], x[3])
	}
	return tensor.Shape{x[0], w[0], oh, ow}, nil
}

// layer is the nn convolution over the current weights. It is made afresh
// for every pass: nn.Conv2d caches transformed weights, and training changes
// them every step.
func (k *Conv2d) layer(w tensor.Shape, weight, bias []float32) *nn.Conv2d {
	return &nn.Conv2d{Weight: weight, Bias: bias, Out: w[0], In: w[1], KH: w[2], KW: w[3], Stride: k.Stride, Pad: k.Pad, NoWinograd: true}
}

func (k *Conv2d) params(in []*tensor.Dense) *nn.Conv2d {
	var bias []float32
	if len(in) == 3 {
		bias = nn.Data(in[2])
	}
	return k.layer(in[1].Shape(), nn.Data(in[1]), bias)
}

func (k *Conv2d) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	c := k.params(in)
	n, _, h, w := nn.Dims4(in[0])
	oh, ow := c.OutputSize(h, w)
	out := newDense(false, n, c.Out, oh, ow)
	c.ApplyTo(out, in[0], nil)
	return out, nil
}

func (k *Conv2d) Differentiable(inputs int) []bool { return all(inputs) }

func (k *Conv2d) Backward(in []*tensor.Dense, out, grad *tensor.Dense) ([]*tensor.Dense, error) {
	return k.BackwardSome(in, out, grad, all(len(in)))
}

// BackwardSome skips the data gradient, or the weight and bias gradients,
// when the graph does not use them (the discriminator's weights in the
// generator's loss, an image's gradient).
func (k *Conv2d) BackwardSome(in []*tensor.Dense, _, grad *tensor.Dense, want []bool) ([]*tensor.Dense, error) {
	c := k.params(in)
	grads := make([]*tensor.Dense, len(in))
	if want[0] {
		grads[0] = emptyLike(in[0])
		c.BackwardDataTo(grads[0], grad)
	}
	if !want[1] && (len(in) < 3 || !want[2]) {
		return grads, nil
	}
	grads[1] = zerosLike(in[1])
	var db []float32
	if len(in) == 3 {
		grads[2] = zerosLike(in[2])
		db = nn.Data(grads[2])
	}
	c.BackwardParams(in[0], grad, nn.Data(grads[1]), db)
	return grads, nil
}

// all is a Differentiable answer for kernels differentiable in every input.
func all(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = true
	}
	return d
}
