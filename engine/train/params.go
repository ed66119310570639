package train

import (
	"fmt"
	"slices"
	"strings"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/train/optim"
	"tessera/engine/weights"
)

// Params is one group of a model's tensors, keyed as taming's checkpoints
// key them (encoder.conv_in.weight, loss.discriminator.main.0.weight, ...).
// A group is what one optimizer steps; frozen networks have a group of
// their own that no optimizer sees.
type Params struct {
	list  []*optim.Param
	byKey map[string]*optim.Param
	// Source gives a parameter its first value; Fallback, when set, serves
	// keys Source lacks (a fresh discriminator for a checkpoint without one).
	Source, Fallback weights.Source
	// FromFallback lists the keys the fallback served.
	FromFallback []string
}

// NewParams starts a group whose values come from src.
func NewParams(src weights.Source) *Params {
	return &Params{byKey: map[string]*optim.Param{}, Source: src}
}

// List is every parameter in the order the model first asked for them.
func (ps *Params) List() []*optim.Param { return ps.list }

// Get returns the parameter under key, or nil.
func (ps *Params) Get(key string) *optim.Param { return ps.byKey[key] }

// Keys lists the parameters' keys, sorted.
func (ps *Params) Keys() []string {
	keys := make([]string, 0, len(ps.list))
	for _, p := range ps.list {
		keys = append(keys, p.Name)
	}
	slices.Sort(keys)
	return keys
}

// Count is the number of scalars in the group.
func (ps *Params) Count() int64 {
	var n int64
	for _, p := range ps.list {
		n += int64(len(p.Floats()))
	}
	return n
}

// ensure returns the parameter under key, reading it from the source the
// first time; a later request must ask for the same shape.
func (ps *Params) ensure(key string, shape []int) (*optim.Param, error) {
	if p, ok := ps.byKey[key]; ok {
		if !slices.Equal(p.Data.Shape(), tensor.Shape(shape)) {
			return nil, fmt.Errorf("train: %s asked for as %v and as %v", key, p.Data.Shape(), shape)
		}
		return p, nil
	}
	src := ps.Source
	if !src.Has(key) && ps.Fallback != nil {
		src = ps.Fallback
		ps.FromFallback = append(ps.FromFallback, key)
	}
	if !src.Has(key) {
		return nil, fmt.Errorf("%s: missing weight %s (shape %v) — does the config match the checkpoint?", src.Name(), key, shape)
	}
	v, err := src.Float32(key, shape)
	if err != nil {
		return nil, err
	}
	// The source's slice may be shared (a cached read); training writes
	// into its parameters, so each gets its own copy.
	data := nn.FromSlice(slices.Clone(v), shape...)
	p := &optim.Param{Name: key, Data: data}
	ps.list = append(ps.list, p)
	ps.byKey[key] = p
	return p, nil
}

// builder assembles one gorgonia graph from parameter groups. Each graph
// has its own input nodes, bound to the groups' tensors, so an optimizer
// step on a group is seen by every graph built over it. The first error is
// kept and reported by finish.
type builder struct {
	g     *G.ExprGraph
	nodes map[*optim.Param]*G.Node
	err   error
}

func newBuilder() *builder {
	return &builder{g: G.NewGraph(), nodes: map[*optim.Param]*G.Node{}}
}

// param returns this graph's node for ps's parameter key.
func (b *builder) param(ps *Params, key string, shape ...int) *G.Node {
	p, err := ps.ensure(key, shape)
	if err != nil {
		b.fail(err)
		p = &optim.Param{Name: key, Data: nn.FromSlice(make([]float32, tensor.Shape(shape).TotalSize()), shape...)}
	}
	if n, ok := b.nodes[p]; ok {
		return n
	}
	n := b.value(key, p.Data)
	b.nodes[p] = n
	return n
}

// value adds an input node holding t (a batch of images, a constant).
func (b *builder) value(name string, t *tensor.Dense) *G.Node {
	return G.NewTensor(b.g, G.Float32, t.Dims(), G.WithShape(t.Shape()...), G.WithValue(t), G.WithName(name))
}

// input adds an input node of the given shape whose value is set before
// each run with G.Let.
func (b *builder) input(name string, shape ...int) *G.Node {
	return b.value(name, nn.FromSlice(make([]float32, tensor.Shape(shape).TotalSize()), shape...))
}

func (b *builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// nodesOf returns this graph's nodes for the given parameters, in order.
func (b *builder) nodesOf(params []*optim.Param) []*G.Node {
	out := make([]*G.Node, len(params))
	for i, p := range params {
		n, ok := b.nodes[p]
		if !ok {
			b.fail(fmt.Errorf("train: %s is not part of this graph", p.Name))
		}
		out[i] = n
	}
	return out
}

// join makes keys from a prefix and module path parts: join("decoder.up", 1,
// "block", 0) is "decoder.up.1.block.0".
func join(parts ...any) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ".")
}
