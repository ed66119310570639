package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestGELUGradients(t *testing.T) {
	r := rand.New(rand.NewSource(15))
	x := randn(r, 3, 50)
	for i, v := range nn.Data(x) {
		nn.Data(x)[i] = 4 * v // cover the tails as well as the bend
	}
	gradCheck(t, GELUKernel{}, 1e-3, x)
}

func TestGELUForward(t *testing.T) {
	x := nn.FromSlice([]float32{-3, -1, -0.2, 0, 0.5, 2}, 6)
	out, err := GELUKernel{}.Forward([]*tensor.Dense{x})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range nn.Data(x) {
		want := 0.5 * float64(v) * (1 + math.Erf(float64(v)/math.Sqrt2))
		if d := math.Abs(float64(nn.Data(out)[i]) - want); d > 1e-6 {
			t.Fatalf("gelu(%v) = %v, want %v", v, nn.Data(out)[i], want)
		}
	}
	if nn.Data(x)[0] != -3 {
		t.Fatal("forward wrote into its input")
	}
}
