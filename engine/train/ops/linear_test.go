package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestLinearGradients(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	gradCheck(t, LinearKernel{}, 1e-3, randn(r, 2, 3, 5), randn(r, 4, 5), randn(r, 4))
	gradCheck(t, LinearKernel{}, 1e-3, randn(r, 7, 6), randn(r, 3, 6))
	// Enough rows and columns for the products and the bias sum to split
	// across cores.
	gradCheck(t, LinearKernel{}, 1e-3, randn(r, 4, 40, 24), randn(r, 130, 24), randn(r, 130))
}

func TestLinearForward(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	x, w, b := randn(r, 2, 3, 5), randn(r, 4, 5), randn(r, 4)
	out, err := LinearKernel{}.Forward([]*tensor.Dense{x, w, b})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Shape().Eq(tensor.Shape{2, 3, 4}) {
		t.Fatalf("shape %v, want (2, 3, 4)", out.Shape())
	}
	xs, ws, bs, got := nn.Data(x), nn.Data(w), nn.Data(b), nn.Data(out)
	for row := 0; row < 6; row++ {
		for o := 0; o < 4; o++ {
			want := float64(bs[o])
			for i := 0; i < 5; i++ {
				want += float64(xs[row*5+i]) * float64(ws[o*5+i])
			}
			if d := math.Abs(float64(got[row*4+o]) - want); d > 1e-5 {
				t.Fatalf("y[%d,%d] = %v, want %v", row, o, got[row*4+o], want)
			}
		}
	}
	if _, err := (LinearKernel{}).Shape([]tensor.Shape{{2, 5}, {4, 6}}); err == nil {
		t.Fatal("a weight of the wrong width was accepted")
	}
}
