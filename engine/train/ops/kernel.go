// Package ops turns the engine's own float32 kernels into gorgonia ops with
// hand-written gradients, so a training graph is built, differentiated
// (gorgonia.Grad) and run (a TapeMachine) by gorgonia while the arithmetic
// stays ours.
//
// Three rules keep values safe from gorgonia's register reuse, which lets a
// later built-in op (the Add that sums gradient terms) write into a value
// whose register it inherited:
//   - every Forward and Backward returns memory no other value shares (fresh,
//     or recycled from a finished run by Recycle);
//   - a kernel never keeps a reference to a value gorgonia handed it: what a
//     backward pass needs arrives again as an explicit input, and anything a
//     kernel stashes between its forward and backward is its own copy;
//   - a value read after the run goes through Watch, which copies it while it
//     is still live.
package ops

import (
	"fmt"
	"hash"
	"hash/fnv"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Kernel is one differentiable function of float32 tensors. Scalars are
// passed to kernels as one-element tensors of shape (1); a kernel whose
// Shape is empty (tensor.ScalarShape()) produces a gorgonia scalar, which is
// what a cost must be.
type Kernel interface {
	Name() string
	// Shape is the output shape for inputs of the given shapes.
	Shape(in []tensor.Shape) (tensor.Shape, error)
	Forward(in []*tensor.Dense) (*tensor.Dense, error)
	// Differentiable tells, for each input, whether it gets a gradient.
	Differentiable(inputs int) []bool
	// Backward returns d(loss)/d(in[i]) for every differentiable input (nil
	// for the others), given the forward pass's inputs and output and
	// d(loss)/d(out), which has the output's shape.
	Backward(in []*tensor.Dense, out, grad *tensor.Dense) ([]*tensor.Dense, error)
}

// A PartialKernel computes only the gradients its graph uses: want[i] is
// false for an input whose gradient node nothing consumes (the weights of a
// network differentiated only for its input, an image), and that entry of
// the result may then be nil.
type PartialKernel interface {
	Kernel
	BackwardSome(in []*tensor.Dense, out, grad *tensor.Dense, want []bool) ([]*tensor.Dense, error)
}

var opIDs atomic.Uint64

// Apply adds k applied to the inputs to their graph. Every call makes a node
// of its own, even for equal kernels and inputs: kernels may hold state
// between their forward and backward passes, so gorgonia must not merge two
// applications into one.
func Apply(k Kernel, inputs ...*G.Node) (*G.Node, error) {
	shapes := make([]tensor.Shape, len(inputs))
	types := make([]hm.Type, len(inputs)+1)
	for i, n := range inputs {
		shapes[i] = n.Shape()
		types[i] = n.Type()
	}
	out, err := k.Shape(shapes)
	if err != nil {
		return nil, fmt.Errorf("ops: %s: %w", k.Name(), err)
	}
	types[len(inputs)] = typeOf(out)
	op := &forwardOp{kernel: k, id: opIDs.Add(1), types: types, shape: out.Clone(), cache: &gradCache{}}
	n, err := G.ApplyOp(op, inputs...)
	if err != nil {
		return nil, fmt.Errorf("ops: %s: %w", k.Name(), err)
	}
	return n, nil
}

// Must is Apply for graph builders that have already checked their shapes:
// a failure there is a programming error.
func Must(k Kernel, inputs ...*G.Node) *G.Node {
	n, err := Apply(k, inputs...)
	if err != nil {
		panic(err)
	}
	return n
}

func typeOf(s tensor.Shape) hm.Type {
	if s.IsScalar() {
		return G.Float32
	}
	return G.TensorType{Dims: s.Dims(), Of: G.Float32}
}

// forwardOp runs a kernel's forward pass as a gorgonia op.
type forwardOp struct {
	kernel Kernel
	id     uint64
	types  []hm.Type // inputs, then output
	shape  tensor.Shape
	cache  *gradCache
	out    handedOut
	backs  []*backwardOp // its gradient nodes, from SymDiff
	want   []bool        // which inputs' gradients are consumed, from the first backward run
}

func (o *forwardOp) Arity() int { return len(o.types) - 1 }
func (o *forwardOp) Type() hm.Type {
	if len(o.types) == 1 {
		return o.types[0]
	}
	return hm.NewFnType(o.types...)
}
func (o *forwardOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return o.shape.Clone(), nil }
func (o *forwardOp) ReturnsPtr() bool                               { return false }
func (o *forwardOp) CallsExtern() bool                              { return false }
func (o *forwardOp) OverwritesInput() int                           { return -1 }
func (o *forwardOp) WriteHash(h hash.Hash)                          { fmt.Fprintf(h, "tessera.%s#%d", o.kernel.Name(), o.id) }
func (o *forwardOp) Hashcode() uint32                               { return hashOf(o) }
func (o *forwardOp) String() string                                 { return o.kernel.Name() }

func (o *forwardOp) Do(values ...G.Value) (G.Value, error) {
	in, err := denseInputs(o.kernel, values)
	if err != nil {
		return nil, err
	}
	out, err := o.kernel.Forward(in)
	if err != nil {
		return nil, fmt.Errorf("ops: %s: %w", o.kernel.Name(), err)
	}
	o.cache.reset()
	o.out.set(out)
	return toValue(out, o.shape)
}

func (o *forwardOp) DiffWRT(inputs int) []bool { return o.kernel.Differentiable(inputs) }

// SymDiff adds one backward node per differentiable input. They share a
// cache, so the kernel's Backward runs once per step however many inputs
// want their gradient.
func (o *forwardOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	diff := o.kernel.Differentiable(len(inputs))
	grads := make(G.Nodes, len(inputs))
	children := append(append(G.Nodes{}, inputs...), output, grad)
	for i := range inputs {
		if !diff[i] {
			continue
		}
		types := make([]hm.Type, 0, len(children)+1)
		for _, c := range children {
			types = append(types, c.Type())
		}
		types = append(types, inputs[i].Type())
		b := &backwardOp{fwd: o, input: i, id: opIDs.Add(1), types: types, shape: inputs[i].Shape()}
		n, err := G.ApplyOp(b, children...)
		if err != nil {
			return nil, fmt.Errorf("ops: gradient of %s: %w", o.kernel.Name(), err)
		}
		b.node = n
		o.backs = append(o.backs, b)
		grads[i] = n
	}
	return grads, nil
}

// wanted tells which inputs' gradient nodes have consumers. It is measured
// once, at the first backward run: a graph is complete (gradients taken,
// results watched) before it runs.
func (o *forwardOp) wanted() []bool {
	if o.want == nil {
		o.want = make([]bool, o.Arity())
		for _, b := range o.backs {
			o.want[b.input] = b.node.Graph().To(b.node.ID()).Len() > 0
		}
	}
	return o.want
}

// gradCache holds the gradients of one forward pass until each backward
// node has taken its own.
type gradCache struct {
	grads []*tensor.Dense
	done  bool
}

func (c *gradCache) reset() { c.grads, c.done = nil, false }

// backwardOp yields the gradient of one input of a forward op.
type backwardOp struct {
	fwd   *forwardOp
	input int
	id    uint64
	types []hm.Type
	shape tensor.Shape
	out   handedOut
	node  *G.Node
}

func (o *backwardOp) Arity() int                                     { return len(o.types) - 1 }
func (o *backwardOp) Type() hm.Type                                  { return hm.NewFnType(o.types...) }
func (o *backwardOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return o.shape.Clone(), nil }
func (o *backwardOp) ReturnsPtr() bool                               { return false }
func (o *backwardOp) CallsExtern() bool                              { return false }
func (o *backwardOp) OverwritesInput() int                           { return -1 }
func (o *backwardOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "tessera.grad%d.%s#%d", o.input, o.fwd.kernel.Name(), o.id)
}
func (o *backwardOp) Hashcode() uint32 { return hashOf(o) }
func (o *backwardOp) String() string {
	return fmt.Sprintf("∂%s/∂in%d", o.fwd.kernel.Name(), o.input)
}

func (o *backwardOp) Do(values ...G.Value) (G.Value, error) {
	k, c := o.fwd.kernel, o.fwd.cache
	if !c.done {
		n := len(values) - 2
		in, err := denseInputs(k, values[:n])
		if err != nil {
			return nil, err
		}
		out, err := toDense(values[n])
		if err != nil {
			return nil, fmt.Errorf("ops: %s output: %w", k.Name(), err)
		}
		grad, err := toDense(values[n+1])
		if err != nil {
			return nil, fmt.Errorf("ops: %s gradient: %w", k.Name(), err)
		}
		if pk, ok := k.(PartialKernel); ok {
			c.grads, err = pk.BackwardSome(in, out, grad, o.fwd.wanted())
		} else {
			c.grads, err = k.Backward(in, out, grad)
		}
		if err != nil {
			return nil, fmt.Errorf("ops: gradient of %s: %w", k.Name(), err)
		}
		c.done = true
	}
	g := c.grads[o.input]
	switch {
	case g == nil && o.fwd.wanted()[o.input]:
		return nil, fmt.Errorf("ops: %s gave no gradient for input %d", k.Name(), o.input)
	case g == nil:
		// Nothing reads this gradient: any memory of its shape will do.
		g = newDense(false, o.shape...)
	}
	c.grads[o.input] = nil // handed to gorgonia, which may write into it
	o.out.set(g)
	return toValue(g, o.shape)
}

func hashOf(op interface{ WriteHash(hash.Hash) }) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func denseInputs(k Kernel, values []G.Value) ([]*tensor.Dense, error) {
	in := make([]*tensor.Dense, len(values))
	for i, v := range values {
		d, err := toDense(v)
		if err != nil {
			return nil, fmt.Errorf("ops: %s input %d: %w", k.Name(), i, err)
		}
		in[i] = d
	}
	return in, nil
}

// toDense gives a kernel the float32 data of a gorgonia value, scalars as
// one-element tensors.
func toDense(v G.Value) (*tensor.Dense, error) {
	switch x := v.(type) {
	case *tensor.Dense:
		if x.Dtype() != tensor.Float32 {
			return nil, fmt.Errorf("want float32, got %v", x.Dtype())
		}
		if x.Shape().IsScalar() {
			return tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{x.Data().(float32)})), nil
		}
		return x, nil
	case *G.F32:
		return tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{float32(*x)})), nil
	}
	return nil, fmt.Errorf("want a float32 tensor, got %T", v)
}

// toValue hands a kernel's result to gorgonia in the shape its node has.
func toValue(d *tensor.Dense, shape tensor.Shape) (G.Value, error) {
	data := d.Data().([]float32)
	if shape.IsScalar() {
		if len(data) != 1 {
			return nil, fmt.Errorf("ops: a scalar result holds %d values", len(data))
		}
		return G.NewF32(data[0]), nil
	}
	if !d.Shape().Eq(shape) {
		if d.Shape().TotalSize() != shape.TotalSize() {
			return nil, fmt.Errorf("ops: result of shape %v where %v was inferred", d.Shape(), shape)
		}
		d = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
	}
	return d, nil
}
