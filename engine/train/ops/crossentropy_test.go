package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestCrossEntropyGradients(t *testing.T) {
	r := rand.New(rand.NewSource(20))
	targets := []int{0, 4, 2, 4, 1, 3}
	x := randn(r, 2, 3, 5)
	for i, v := range nn.Data(x) {
		nn.Data(x)[i] = 3 * v
	}
	gradCheck(t, &CrossEntropyKernel{Targets: &targets}, 1e-3, x)
}

func TestCrossEntropyForward(t *testing.T) {
	r := rand.New(rand.NewSource(21))
	targets := []int{1, 0, 3}
	x := randn(r, 3, 4)
	nn.Data(x)[5] = 60 // a large logit must not overflow
	out, err := (&CrossEntropyKernel{Targets: &targets}).Forward([]*tensor.Dense{x})
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	xs := nn.Data(x)
	for row, tg := range targets {
		var s float64
		for _, v := range xs[row*4 : (row+1)*4] {
			s += math.Exp(float64(v))
		}
		want += (math.Log(s) - float64(xs[row*4+tg])) / 3
	}
	if got := float64(nn.Data(out)[0]); math.Abs(got-want) > 1e-5*math.Max(1, want) {
		t.Fatalf("loss %v, want %v", got, want)
	}
	targets[2] = 4
	if _, err := (&CrossEntropyKernel{Targets: &targets}).Forward([]*tensor.Dense{x}); err == nil {
		t.Fatal("target 4 was accepted for 4 classes")
	}
}
