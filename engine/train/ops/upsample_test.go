package ops

import (
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestUpsample2xGradients(t *testing.T) {
	r := rand.New(rand.NewSource(31))
	gradCheck(t, Upsample2xKernel{}, 1e-3, randn(r, 2, 3, 4, 5))
	gradCheck(t, Upsample2xKernel{}, 1e-3, randn(r, 1, 2, 9, 1))
}

func TestUpsample2xValues(t *testing.T) {
	x := nn.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 1, 1, 2, 3)
	out, err := Upsample2xKernel{}.Forward([]*tensor.Dense{x})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Shape().Eq(tensor.Shape{1, 1, 4, 6}) {
		t.Fatalf("shape %v", out.Shape())
	}
	compare(t, "upsampled", nn.Data(out), []float32{
		1, 1, 2, 2, 3, 3,
		1, 1, 2, 2, 3, 3,
		4, 4, 5, 5, 6, 6,
		4, 4, 5, 5, 6, 6,
	})
	grad := nn.FromSlice(make([]float32, 24), 1, 1, 4, 6)
	for i := range nn.Data(grad) {
		nn.Data(grad)[i] = float32(i)
	}
	g, err := Upsample2xKernel{}.Backward([]*tensor.Dense{x}, out, grad)
	if err != nil {
		t.Fatal(err)
	}
	// Block (0,0) holds 0, 1, 6, 7; block (1,2) holds 16, 17, 22, 23.
	compare(t, "block sums", nn.Data(g[0]), []float32{14, 22, 30, 62, 70, 78})
}
