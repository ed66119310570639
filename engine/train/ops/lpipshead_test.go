package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// lpipsHeadNaive is one LPIPS layer term written out position by position;
// factor gives each element's dropout multiplier.
func lpipsHeadNaive(f0, f1 *tensor.Dense, weight []float32, factor func(i int) float64) []float64 {
	b, c, h, w := nn.Dims4(f0)
	plane := h * w
	out := make([]float64, b)
	for s := 0; s < b; s++ {
		for p := 0; p < plane; p++ {
			var n0, n1 float64
			for ch := 0; ch < c; ch++ {
				i := (s*c+ch)*plane + p
				n0 += float64(nn.Data(f0)[i]) * float64(nn.Data(f0)[i])
				n1 += float64(nn.Data(f1)[i]) * float64(nn.Data(f1)[i])
			}
			n0, n1 = math.Sqrt(n0)+1e-10, math.Sqrt(n1)+1e-10
			for ch := 0; ch < c; ch++ {
				i := (s*c+ch)*plane + p
				d := float64(nn.Data(f0)[i])/n0 - float64(nn.Data(f1)[i])/n1
				out[s] += float64(weight[ch]) * d * d * factor(i)
			}
		}
		out[s] /= float64(plane)
	}
	return out
}

func lpipsWeights(r *rand.Rand, c int) []float32 {
	w := make([]float32, c)
	for i := range w {
		w[i] = float32(r.Float64())
	}
	return w
}

func TestLPIPSHead(t *testing.T) {
	r := rand.New(rand.NewSource(51))
	// 300 positions: more than one block of positions per sample.
	f0, f1 := randn(r, 2, 4, 15, 20), randn(r, 2, 4, 15, 20)
	k := &LPIPSHeadKernel{Weight: lpipsWeights(r, 4)}
	gradCheck(t, k, 1e-3, f0, f1)
	out, err := k.Forward([]*tensor.Dense{f0, f1})
	if err != nil {
		t.Fatal(err)
	}
	want := lpipsHeadNaive(f0, f1, k.Weight, func(int) float64 { return 1 })
	for s, v := range nn.Data(out) {
		if math.Abs(float64(v)-want[s]) > 1e-6*want[s] {
			t.Errorf("sample %d: %v, want %v", s, v, want[s])
		}
	}
}

// reseeded draws the same dropout mask on every forward pass, so finite
// differences see one function.
type reseeded struct {
	*LPIPSHeadKernel
	seed int64
}

func (k reseeded) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	k.Dropout.Seed(k.seed)
	return k.LPIPSHeadKernel.Forward(in)
}

func TestLPIPSHeadDropout(t *testing.T) {
	r := rand.New(rand.NewSource(52))
	f0, f1 := randn(r, 2, 8, 10, 10), randn(r, 2, 8, 10, 10)
	k := &LPIPSHeadKernel{Weight: lpipsWeights(r, 8), Dropout: rand.New(rand.NewSource(1))}
	gradCheck(t, reseeded{k, 5}, 1e-3, f0, f1)

	out, err := k.Forward([]*tensor.Dense{f0, f1})
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, v := range k.keep {
		if v {
			kept++
		}
	}
	if frac := float64(kept) / float64(len(k.keep)); frac < 0.45 || frac > 0.55 {
		t.Errorf("dropout kept %.3f of the elements, want about half", frac)
	}
	want := lpipsHeadNaive(f0, f1, k.Weight, func(i int) float64 {
		if k.keep[i] {
			return 2
		}
		return 0
	})
	for s, v := range nn.Data(out) {
		if math.Abs(float64(v)-want[s]) > 1e-6*want[s] {
			t.Errorf("sample %d: %v, want %v", s, v, want[s])
		}
	}
}

// TestLPIPSHeadZeroFeatures: where every channel is zero (all ReLUs off)
// the gradient stays finite.
func TestLPIPSHeadZeroFeatures(t *testing.T) {
	r := rand.New(rand.NewSource(53))
	f0, f1 := randn(r, 1, 3, 2, 2), randn(r, 1, 3, 2, 2)
	for ch := 0; ch < 3; ch++ {
		nn.Data(f0)[ch*4] = 0
	}
	k := &LPIPSHeadKernel{Weight: lpipsWeights(r, 3)}
	out, _ := k.Forward([]*tensor.Dense{f0, f1})
	grads, err := k.Backward([]*tensor.Dense{f0, f1}, out, nn.FromSlice([]float32{1}, 1))
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range append(nn.Data(grads[0]), nn.Data(grads[1])...) {
		if math.IsNaN(float64(g)) || math.IsInf(float64(g), 0) {
			t.Fatalf("gradient %d is %v", i, g)
		}
	}
}
