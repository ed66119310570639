package ops

import (
	"math/rand"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// recycleGraph is conv, group norm, swish, conv and a residual sum (by
// gorgonia's Add, whose backward sums two paths in place) with the
// gradients of its mean for x and both weights, all watched.
type recycleGraph struct {
	g       *G.ExprGraph
	m       G.VM
	watched []*Watched
	seen    []float32 // w1's gradient, through WatchFunc
}

func newRecycleGraph(t *testing.T, r *rand.Rand) *recycleGraph {
	g := G.NewGraph()
	value := func(name string, v *tensor.Dense) *G.Node {
		return G.NewTensor(g, G.Float32, v.Dims(), G.WithShape(v.Shape()...), G.WithValue(v), G.WithName(name))
	}
	x := value("x", randn(r, 2, 4, 6, 5))
	w1, w2 := value("w1", randn(r, 4, 4, 3, 3)), value("w2", randn(r, 4, 4, 3, 3))
	gamma, beta := value("gamma", randn(r, 4)), value("beta", randn(r, 4))
	h := Conv(x, w1, nil, 1, nn.Same(1))
	y := Conv(Swish(GroupNorm(h, gamma, beta, 2, 1e-5)), w2, nil, 1, nn.Same(1))
	sum, err := G.Add(y, h)
	if err != nil {
		t.Fatal(err)
	}
	cost := Mean(sum)
	grads, err := G.Grad(cost, x, w1, w2)
	if err != nil {
		t.Fatal(err)
	}
	rg := &recycleGraph{g: g, watched: []*Watched{Watch(cost), Watch(sum)}}
	for _, n := range grads {
		rg.watched = append(rg.watched, Watch(n))
	}
	// WatchFunc sees what Watch copies, during the run.
	WatchFunc(grads[1], func(v *tensor.Dense) { rg.seen = slices.Clone(nn.Data(v)) })
	rg.m = G.NewTapeMachine(g)
	return rg
}

func (rg *recycleGraph) run(t *testing.T) [][]float32 {
	t.Helper()
	if err := rg.m.RunAll(); err != nil {
		t.Fatal(err)
	}
	rg.m.Reset()
	var out [][]float32
	for _, w := range rg.watched {
		out = append(out, slices.Clone(w.Data()))
	}
	if !slices.Equal(rg.seen, out[3]) {
		t.Fatal("WatchFunc saw another value than Watch copied")
	}
	return out
}

// TestRecycledRunsMatchTheFirst recycles a graph's memory, lets another
// graph run in it, and checks the first graph still computes the same
// values to the bit.
func TestRecycledRunsMatchTheFirst(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	a, b := newRecycleGraph(t, r), newRecycleGraph(t, r)
	want := a.run(t)

	var handed [][]float32
	for _, n := range a.g.AllNodes() {
		switch op := n.Op().(type) {
		case *forwardOp:
			handed = append(handed, op.out.buf)
		case *backwardOp:
			handed = append(handed, op.out.buf)
		}
	}
	handed = slices.DeleteFunc(handed, func(b []float32) bool { return b == nil })
	Recycle(a.g)
	// The pool hands out a's memory again.
	got := nn.Data(newDense(false, len(handed[0])))
	reused := false
	for _, h := range handed {
		reused = reused || &h[0] == &got[0]
	}
	if !reused {
		t.Fatal("Recycle did not make the graph's memory available")
	}
	buffers.put(got)

	for run := 0; run < 2; run++ {
		b.run(t)
		Recycle(b.g)
		again := a.run(t)
		Recycle(a.g)
		for i := range want {
			if !slices.Equal(again[i], want[i]) {
				t.Fatalf("run %d: watched value %d changed after recycling", run, i)
			}
		}
	}
}

// TestUnusedGradientsSkipped differentiates a convolution for its input
// only: the kernel is asked for no weight gradient, and the input's matches
// a graph that also takes the weights'.
func TestUnusedGradientsSkipped(t *testing.T) {
	r := rand.New(rand.NewSource(14))
	xv, wv := randn(r, 2, 3, 6, 5), randn(r, 4, 3, 3, 3)
	run := func(withWeights bool) ([]float32, []bool) {
		g := G.NewGraph()
		x := G.NewTensor(g, G.Float32, 4, G.WithShape(xv.Shape()...), G.WithValue(xv), G.WithName("x"))
		w := G.NewTensor(g, G.Float32, 4, G.WithShape(wv.Shape()...), G.WithValue(wv), G.WithName("w"))
		y := Conv(x, w, nil, 1, nn.Same(1))
		wrt := G.Nodes{x}
		if withWeights {
			wrt = append(wrt, w)
		}
		grads, err := G.Grad(Mean(Swish(y)), wrt...)
		if err != nil {
			t.Fatal(err)
		}
		watched := make([]*Watched, len(grads))
		for i, n := range grads {
			watched[i] = Watch(n)
		}
		m := G.NewTapeMachine(g)
		defer m.Close()
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		var want []bool
		for _, n := range g.AllNodes() {
			if op, ok := n.Op().(*forwardOp); ok && op.kernel.Name() == "conv2d" {
				want = op.want
			}
		}
		return slices.Clone(watched[0].Data()), want
	}
	got, want := run(false)
	if !slices.Equal(want, []bool{true, false}) {
		t.Fatalf("conv asked for gradients %v, want only the input's", want)
	}
	full, _ := run(true)
	if !slices.Equal(got, full) {
		t.Fatal("the input's gradient differs when the weights' is skipped")
	}
}
