package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// SeqSliceKernel keeps the positions from From on of a sequence batch
// x [B, T, C]: x[:, From:, :]. A trainer uses it to run the last layers
// only where the loss looks.
type SeqSliceKernel struct{ From int }

// SliceSeq adds x[:, from:, :] to the graph.
func SliceSeq(x *G.Node, from int) *G.Node { return Must(SeqSliceKernel{From: from}, x) }

func (k SeqSliceKernel) Name() string { return fmt.Sprintf("seq_slice(%d:)", k.From) }

func (k SeqSliceKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 1 || in[0].Dims() != 3 {
		return nil, fmt.Errorf("want one input [B, T, C], got %v", in)
	}
	x := in[0]
	if k.From < 0 || k.From >= x[1] {
		return nil, fmt.Errorf("start %d outside the %d positions of %v", k.From, x[1], x)
	}
	return tensor.Shape{x[0], x[1] - k.From, x[2]}, nil
}

func (SeqSliceKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (k SeqSliceKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	s := in[0].Shape()
	b, t, c := s[0], s[1], s[2]
	n := t - k.From
	x := nn.Data(in[0])
	out := make([]float32, b*n*c)
	for i := 0; i < b; i++ {
		copy(out[i*n*c:(i+1)*n*c], x[(i*t+k.From)*c:(i+1)*t*c])
	}
	return nn.FromSlice(out, b, n, c), nil
}

func (k SeqSliceKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	s := in[0].Shape()
	b, t, c := s[0], s[1], s[2]
	n := t - k.From
	dxT := zerosLike(in[0])
	dx, dy := nn.Data(dxT), nn.Data(grad)
	for i := 0; i < b; i++ {
		copy(dx[(i*t+k.From)*c:(i+1)*t*c], dy[i*n*c:(i+1)*n*c])
	}
	return []*tensor.Dense{dxT}, nil
}
