package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestL1MeanGradients(t *testing.T) {
	r := rand.New(rand.NewSource(61))
	for _, s := range [][]int{{2, 3, 4, 5}, {7}} {
		x, y := randn(r, s...), randn(r, s...)
		// Keep |x - y| clear of the finite-difference probe.
		for i, v := range nn.Data(x) {
			if d := v - nn.Data(y)[i]; math.Abs(float64(d)) < 0.05 {
				nn.Data(y)[i] = v - 0.1
			}
		}
		gradCheck(t, L1MeanKernel{}, 1e-3, x, y)
	}
}

func TestL1MeanValues(t *testing.T) {
	x := nn.FromSlice([]float32{1, -2, 3, 0.5}, 2, 2)
	y := nn.FromSlice([]float32{0, -2, 4, 1}, 2, 2)
	in := []*tensor.Dense{x, y}
	out, err := L1MeanKernel{}.Forward(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := nn.Data(out)[0]; got != 0.625 {
		t.Fatalf("mean |x-y| = %v, want 0.625", got)
	}
	g, err := L1MeanKernel{}.Backward(in, out, scalar(2))
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "dx", nn.Data(g[0]), []float32{0.5, 0, -0.5, -0.5})
	compare(t, "dy", nn.Data(g[1]), []float32{-0.5, 0, 0.5, 0.5})
}
