package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestLayerNormGradients(t *testing.T) {
	r := rand.New(rand.NewSource(13))
	k := LayerNormKernel{Eps: 1e-5}
	gradCheck(t, k, 1e-3, randn(r, 2, 3, 8), randn(r, 8), randn(r, 8))
	// 60 rows: the gamma and beta sums come from several partial sums.
	gradCheck(t, k, 1e-3, randn(r, 3, 20, 6), randn(r, 6), randn(r, 6))
}

func TestLayerNormForward(t *testing.T) {
	r := rand.New(rand.NewSource(14))
	x, g, b := randn(r, 4, 10), randn(r, 10), randn(r, 10)
	out, err := LayerNormKernel{Eps: 1e-5}.Forward([]*tensor.Dense{x, g, b})
	if err != nil {
		t.Fatal(err)
	}
	xs, got := nn.Data(x), nn.Data(out)
	for row := 0; row < 4; row++ {
		var mean, v float64
		for _, e := range xs[row*10 : (row+1)*10] {
			mean += float64(e) / 10
		}
		for _, e := range xs[row*10 : (row+1)*10] {
			v += (float64(e) - mean) * (float64(e) - mean) / 10
		}
		for i := 0; i < 10; i++ {
			want := (float64(xs[row*10+i])-mean)/math.Sqrt(v+1e-5)*float64(nn.Data(g)[i]) + float64(nn.Data(b)[i])
			if d := math.Abs(float64(got[row*10+i]) - want); d > 1e-5 {
				t.Fatalf("y[%d,%d] = %v, want %v", row, i, got[row*10+i], want)
			}
		}
	}
}
