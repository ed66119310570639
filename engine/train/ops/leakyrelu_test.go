package ops

import (
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// awayFrom moves every value of x at least margin away from each kink, so
// finite differences of step 1e-2 never straddle one.
func awayFrom(x *tensor.Dense, margin float32, kinks ...float32) *tensor.Dense {
	d := nn.Data(x)
	for i := range d {
		for _, k := range kinks {
			if v := d[i] - k; v >= 0 && v < margin {
				d[i] = k + margin + v
			} else if v < 0 && v > -margin {
				d[i] = k - margin + v
			}
		}
	}
	return x
}

func TestLeakyReLU(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	k := LeakyReLUKernel{Slope: 0.2}
	gradCheck(t, k, 1e-3, awayFrom(randn(r, 2, 3, 4, 5), 0.05, 0))
	out, err := k.Forward([]*tensor.Dense{nn.FromSlice([]float32{-2, 0, 3}, 3)})
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "leaky_relu", nn.Data(out), []float32{-0.4, 0, 3})
}
