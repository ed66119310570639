package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// Watched holds a copy of a node's value, taken while the graph ran.
type Watched struct {
	node  *G.Node
	value *tensor.Dense
}

// Watch arranges for n's value to be copied each time the graph runs. Read
// results this way rather than through n.Value(): once n's last consumer has
// run, gorgonia may hand its memory to another op.
func Watch(n *G.Node) *Watched {
	w := &Watched{}
	w.node = Must(&watchKernel{see: w.take}, n)
	return w
}

// WatchFunc arranges for f to see n's value each time the graph runs, while
// the value is live: f must not keep the tensor, or its memory, after it
// returns. It spares Watch's copy where the value is consumed at once.
func WatchFunc(n *G.Node, f func(*tensor.Dense)) { Must(&watchKernel{see: f}, n) }

// take copies v, into the memory of the last run's copy when it fits.
func (w *Watched) take(v *tensor.Dense) {
	if w.value != nil && w.value.Shape().Eq(v.Shape()) {
		copyFloats(nn.Data(w.value), nn.Data(v))
		return
	}
	w.value = v.Clone().(*tensor.Dense)
}

// Tensor is the value of the last run. The next run writes its value into
// the same memory: copy what must outlive it.
func (w *Watched) Tensor() *tensor.Dense { return w.value }

// Data is the value of the last run as a flat slice.
func (w *Watched) Data() []float32 {
	if w.value == nil {
		return nil
	}
	return w.value.Data().([]float32)
}

// Scalar is the value of the last run of a watched scalar.
func (w *Watched) Scalar() float32 {
	d := w.Data()
	if len(d) != 1 {
		panic(fmt.Sprintf("ops: Scalar of a watched value holding %d numbers", len(d)))
	}
	return d[0]
}

// watchKernel shows its input to a function and yields a scalar nothing
// consumes.
type watchKernel struct{ see func(*tensor.Dense) }

func (k *watchKernel) Name() string                               { return "watch" }
func (k *watchKernel) Shape([]tensor.Shape) (tensor.Shape, error) { return tensor.ScalarShape(), nil }
func (k *watchKernel) Differentiable(inputs int) []bool           { return make([]bool, inputs) }

func (k *watchKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	k.see(in[0])
	return tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{0})), nil
}

func (k *watchKernel) Backward([]*tensor.Dense, *tensor.Dense, *tensor.Dense) ([]*tensor.Dense, error) {
	return nil, fmt.Errorf("a watch is not differentiable")
}
