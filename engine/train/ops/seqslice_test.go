package ops

import (
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestSeqSlice(t *testing.T) {
	r := rand.New(rand.NewSource(22))
	gradCheck(t, SeqSliceKernel{From: 2}, 1e-3, randn(r, 2, 5, 3))
	x := nn.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3, 1)
	out, err := SeqSliceKernel{From: 1}.Forward([]*tensor.Dense{x})
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "x[:, 1:]", nn.Data(out), []float32{2, 3, 5, 6})
	if _, err := (SeqSliceKernel{From: 3}).Shape([]tensor.Shape{{2, 3, 1}}); err == nil {
		t.Fatal("a slice past the end was accepted")
	}
}
