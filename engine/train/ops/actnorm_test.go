package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestActNormGradients(t *testing.T) {
	r := rand.New(rand.NewSource(31))
	loc, scale := randn(r, 1, 3, 1, 1), randn(r, 1, 3, 1, 1)
	k := &ActNormKernel{State: &ActNormState{Initialized: true, Loc: loc, Scale: scale}}
	gradCheck(t, k, 1e-3, randn(r, 2, 3, 4, 5), loc, scale)

	// Uninitialised, with the state's tensors as the inputs (as a graph
	// bound to the parameters has them): the first pass initialises them.
	loc, scale = randn(r, 1, 3, 1, 1), randn(r, 1, 3, 1, 1)
	k = &ActNormKernel{State: &ActNormState{Loc: loc, Scale: scale}}
	gradCheck(t, k, 1e-3, randn(r, 2, 3, 4, 5), loc, scale)
}

func TestActNormInitialisation(t *testing.T) {
	r := rand.New(rand.NewSource(32))
	x := randn(r, 2, 3, 4, 4)
	for i := range nn.Data(x) {
		nn.Data(x)[i] = 3*nn.Data(x)[i] - 1
	}
	// The graph's inputs are copies still holding loc 0 and scale 1: the
	// initialising pass and its backward must use the new values anyway.
	st := &ActNormState{Loc: nn.FromSlice(make([]float32, 3), 1, 3, 1, 1), Scale: nn.FromSlice([]float32{1, 1, 1}, 1, 3, 1, 1)}
	in := []*tensor.Dense{x, st.Loc.Clone().(*tensor.Dense), st.Scale.Clone().(*tensor.Dense)}
	k := &ActNormKernel{State: st}
	out, err := k.Forward(in)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Initialized {
		t.Fatal("the first pass did not mark the state initialised")
	}
	for ch := 0; ch < 3; ch++ {
		mean, _, unbiased := channelMoments(x, ch)
		std := math.Sqrt(unbiased)
		if got := float64(nn.Data(st.Loc)[ch]); math.Abs(got+mean) > 1e-6 {
			t.Errorf("loc[%d] = %v, want %v", ch, got, -mean)
		}
		if got, want := float64(nn.Data(st.Scale)[ch]), 1/(std+1e-6); math.Abs(got-want) > 1e-6*want {
			t.Errorf("scale[%d] = %v, want %v", ch, got, want)
		}
		om, _, ov := channelMoments(out, ch)
		if math.Abs(om) > 1e-5 || math.Abs(ov-1) > 1e-4 {
			t.Errorf("channel %d: output mean %v, unbiased variance %v, want 0 and 1", ch, om, ov)
		}
	}
	g := randn(r, 2, 3, 4, 4)
	grads, err := k.Backward(in, out, g)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range nn.Data(grads[0]) {
		ch := i / 16 % 3
		if want := nn.Data(g)[i] * nn.Data(st.Scale)[ch]; v != want {
			t.Fatalf("dx[%d] = %v, want %v (the initialised scale)", i, v, want)
		}
	}

	// Later passes leave the parameters alone.
	loc := nn.Data(st.Loc)[0]
	if _, err := k.Forward([]*tensor.Dense{scaled(x, 2), st.Loc, st.Scale}); err != nil {
		t.Fatal(err)
	}
	if nn.Data(st.Loc)[0] != loc {
		t.Errorf("a second pass moved loc from %v to %v", loc, nn.Data(st.Loc)[0])
	}
}
