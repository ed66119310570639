package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// AddKernel is the elementwise sum of tensors of one shape (or of scalars).
// Graphs use it instead of gorgonia's Add, whose in-place execution may write
// into memory an op of ours handed out.
type AddKernel struct{}

// Add adds a + b + ... to the graph.
func Add(xs ...*G.Node) *G.Node { return Must(AddKernel{}, xs...) }

func (AddKernel) Name() string { return "add" }

func (AddKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) < 1 {
		return nil, fmt.Errorf("nothing to add")
	}
	for _, s := range in[1:] {
		if !s.Eq(in[0]) {
			return nil, fmt.Errorf("shapes %v and %v differ", in[0], s)
		}
	}
	return in[0].Clone(), nil
}

func (AddKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (AddKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	out := cloneOf(in[0])
	for _, x := range in[1:] {
		nn.AddInPlace(nn.Data(out), nn.Data(x))
	}
	return out, nil
}

func (AddKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	grads := make([]*tensor.Dense, len(in))
	for i := range in {
		grads[i] = cloneOf(grad)
	}
	return grads, nil
}

// ScaleKernel multiplies by a constant.
type ScaleKernel struct{ By float32 }

// Scale adds c * x to the graph.
func Scale(x *G.Node, c float32) *G.Node { return Must(ScaleKernel{By: c}, x) }

func (k ScaleKernel) Name() string { return fmt.Sprintf("scale(%g)", k.By) }

func (ScaleKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("want one input, got %d", len(in))
	}
	return in[0].Clone(), nil
}

func (ScaleKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (k ScaleKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	return scaled(in[0], k.By), nil
}

func (k ScaleKernel) Backward(_ []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	return []*tensor.Dense{scaled(grad, k.By)}, nil
}

func scaled(x *tensor.Dense, c float32) *tensor.Dense {
	out := emptyLike(x)
	o := nn.Data(out)
	for i, v := range nn.Data(x) {
		o[i] = c * v
	}
	return out
}
