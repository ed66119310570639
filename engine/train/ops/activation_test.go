package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestSwishGradients(t *testing.T) {
	r := rand.New(rand.NewSource(21))
	x := randn(r, 2, 3, 5, 7)
	for i := range nn.Data(x) {
		nn.Data(x)[i] *= 6 // both tails and the bend around 0
	}
	gradCheck(t, SwishKernel{}, 1e-3, x)
	gradCheck(t, SwishKernel{}, 1e-3, randn(r, 4, 9))
}

func TestSwishForward(t *testing.T) {
	x := nn.FromSlice([]float32{-100, -3, -0.5, 0, 0.5, 3, 100}, 7)
	out, err := SwishKernel{}.Forward([]*tensor.Dense{x})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range nn.Data(x) {
		want := float64(v) / (1 + math.Exp(-float64(v)))
		if got := float64(nn.Data(out)[i]); math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("swish(%v) = %v, want %v", v, got, want)
		}
	}
}
