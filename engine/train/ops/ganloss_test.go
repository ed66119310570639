package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestDiscriminatorLossGradients(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	// Logits on both sides of the hinges at +-1; real and fake maps of
	// different sizes.
	real := scaled(awayFrom(randn(r, 2, 1, 3, 3), 0.05, -0.5, 0.5), 2)
	fake := scaled(awayFrom(randn(r, 3, 1, 2, 2), 0.05, -0.5, 0.5), 2)
	gradCheck(t, HingeDKernel{}, 1e-3, real, fake)
	gradCheck(t, VanillaDKernel{}, 1e-3, scaled(randn(r, 2, 1, 3, 3), 4), scaled(randn(r, 2, 1, 3, 3), 4))
}

func TestDiscriminatorLossValues(t *testing.T) {
	real := nn.FromSlice([]float32{2, 0.5, -1, 0}, 1, 1, 2, 2)
	fake := nn.FromSlice([]float32{-3, 0.25}, 1, 1, 1, 2)
	in := []*tensor.Dense{real, fake}
	// relu(1 - real) = 0, 0.5, 2, 1; relu(1 + fake) = 0, 1.25.
	hinge := 0.5 * ((0+0.5+2+1)/4.0 + (0+1.25)/2.0)
	sp := func(x float64) float64 { return math.Log(1 + math.Exp(x)) }
	vanilla := 0.5 * ((sp(-2)+sp(-0.5)+sp(1)+sp(0))/4 + (sp(-3)+sp(0.25))/2)
	for _, c := range []struct {
		k    Kernel
		want float64
	}{{HingeDKernel{}, hinge}, {VanillaDKernel{}, vanilla}} {
		out, err := c.k.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := float64(nn.Data(out)[0]); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("%s = %v, want %v", c.k.Name(), got, c.want)
		}
	}
	// Past softplus's threshold of 20 the loss is linear.
	out, _ := VanillaDKernel{}.Forward([]*tensor.Dense{nn.FromSlice([]float32{-30}, 1), nn.FromSlice([]float32{40}, 1)})
	if got := nn.Data(out)[0]; got != 35 {
		t.Errorf("vanilla loss of logits -30 and 40 = %v, want 35", got)
	}
}

func TestBCEWithLogits(t *testing.T) {
	r := rand.New(rand.NewSource(13))
	target := randn(r, 2, 3, 4)
	for i, v := range nn.Data(target) {
		nn.Data(target)[i] = (v + 1) / 2
	}
	gradCheck(t, BCEWithLogitsKernel{}, 1e-3, scaled(randn(r, 2, 3, 4), 3), target)

	// PyTorch's form, (1 - t) x + log(1 + exp(-x)), where it cannot
	// overflow; the stable form also holds for logits of +-100.
	x := []float32{-4, -0.5, 0, 1.5, 6, 100, -100}
	tg := []float32{0, 1, 0.3, 1, 0.2, 1, 0}
	var want float64
	for i, v := range x[:5] {
		xv, tv := float64(v), float64(tg[i])
		want += (1-tv)*xv + math.Log(1+math.Exp(-xv))
	}
	want /= float64(len(x)) // the last two add (1 - 1)*100 + 0 and 0 + 0
	out, err := BCEWithLogitsKernel{}.Forward([]*tensor.Dense{nn.FromSlice(x, len(x)), nn.FromSlice(tg, len(tg))})
	if err != nil {
		t.Fatal(err)
	}
	if got := float64(nn.Data(out)[0]); math.Abs(got-want) > 1e-6 {
		t.Errorf("bce = %v, want %v", got, want)
	}
}
