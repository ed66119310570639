package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestCausalAttentionGradients(t *testing.T) {
	r := rand.New(rand.NewSource(16))
	gradCheck(t, CausalAttentionKernel{Heads: 2}, 1e-3, randn(r, 2, 5, 8), randn(r, 2, 5, 8), randn(r, 2, 5, 8))
	gradCheck(t, CausalAttentionKernel{Heads: 1}, 1e-3, randn(r, 1, 7, 3), randn(r, 1, 7, 3), randn(r, 1, 7, 3))
}

// The forward pass against attention written out naively in float64.
func TestCausalAttentionForward(t *testing.T) {
	r := rand.New(rand.NewSource(17))
	const B, T, C, H = 2, 6, 12, 3
	hs := C / H
	q, k, v := randn(r, B, T, C), randn(r, B, T, C), randn(r, B, T, C)
	out, err := CausalAttentionKernel{Heads: H}.Forward([]*tensor.Dense{q, k, v})
	if err != nil {
		t.Fatal(err)
	}
	qs, ks, vs, got := nn.Data(q), nn.Data(k), nn.Data(v), nn.Data(out)
	for b := 0; b < B; b++ {
		for h := 0; h < H; h++ {
			for i := 0; i < T; i++ {
				w := make([]float64, i+1)
				var sum float64
				for j := range w {
					var s float64
					for e := 0; e < hs; e++ {
						s += float64(qs[(b*T+i)*C+h*hs+e]) * float64(ks[(b*T+j)*C+h*hs+e])
					}
					w[j] = math.Exp(s / math.Sqrt(float64(hs)))
					sum += w[j]
				}
				for e := 0; e < hs; e++ {
					var want float64
					for j := range w {
						want += w[j] / sum * float64(vs[(b*T+j)*C+h*hs+e])
					}
					if g := got[(b*T+i)*C+h*hs+e]; math.Abs(float64(g)-want) > 1e-5 {
						t.Fatalf("y[%d,%d,%d] = %v, want %v", b, i, h*hs+e, g, want)
					}
				}
			}
		}
	}
	if _, err := (CausalAttentionKernel{Heads: 5}).Shape([]tensor.Shape{{B, T, C}, {B, T, C}, {B, T, C}}); err == nil {
		t.Fatal("12 channels were split into 5 heads")
	}
}
