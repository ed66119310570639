package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// vggConvs returns 3x3 pad-1 convs with random weights through the given
// channel widths.
func vggConvs(r *rand.Rand, widths ...int) []*nn.Conv2d {
	var convs []*nn.Conv2d
	for i := 1; i < len(widths); i++ {
		in, out := widths[i-1], widths[i]
		w, b := randn(r, out, in, 3, 3), randn(r, out)
		bound := float32(1 / math.Sqrt(float64(in*9)))
		convs = append(convs, &nn.Conv2d{Weight: nn.Data(scaled(w, bound)), Bias: nn.Data(scaled(b, 0.1)), Out: out, In: in, KH: 3, KW: 3, Stride: 1, Pad: nn.Same(1)})
	}
	return convs
}

func TestVGGSliceGradients(t *testing.T) {
	r := rand.New(rand.NewSource(41))
	for _, c := range []struct {
		name   string
		pool   bool
		widths []int
		h, w   int
	}{
		{"convs", false, []int{3, 4, 5}, 5, 6},
		{"pool then convs, odd size", true, []int{3, 4, 4, 2}, 7, 6},
		{"one conv", true, []int{2, 3}, 4, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewVGGSlice(c.pool, vggConvs(r, c.widths...)...)
			if err != nil {
				t.Fatal(err)
			}
			gradCheck(t, s.Kernel(), 1e-3, randn(r, 2, c.widths[0], c.h, c.w))
		})
	}
}

// TestVGGSliceForward compares the slice with plain convolutions, ReLU and
// a max pool written out in the test.
func TestVGGSliceForward(t *testing.T) {
	r := rand.New(rand.NewSource(42))
	convs := vggConvs(r, 3, 4, 5)
	s, err := NewVGGSlice(true, convs...)
	if err != nil {
		t.Fatal(err)
	}
	x := randn(r, 2, 3, 6, 8)
	out, err := s.Kernel().Forward([]*tensor.Dense{x})
	if err != nil {
		t.Fatal(err)
	}
	n, c, h, w := nn.Dims4(x)
	pooled := nn.FromSlice(make([]float32, n*c*(h/2)*(w/2)), n, c, h/2, w/2)
	for p := 0; p < n*c; p++ {
		for y := 0; y < h/2; y++ {
			for xx := 0; xx < w/2; xx++ {
				m := float32(math.Inf(-1))
				for dy := 0; dy < 2; dy++ {
					for dx := 0; dx < 2; dx++ {
						m = max(m, nn.Data(x)[(p*h+2*y+dy)*w+2*xx+dx])
					}
				}
				nn.Data(pooled)[(p*(h/2)+y)*(w/2)+xx] = m
			}
		}
	}
	want := pooled
	for _, cv := range convs {
		want = cv.Forward(want)
		for i, v := range nn.Data(want) {
			nn.Data(want)[i] = max(v, 0)
		}
	}
	if !out.Shape().Eq(want.Shape()) {
		t.Fatalf("output %v, want %v", out.Shape(), want.Shape())
	}
	compare(t, "vgg slice", nn.Data(out), nn.Data(want))
}

// TestMaxPoolTies: like PyTorch's CPU max_pool2d, the gradient of a window
// with equal maxima goes to the first of them in row-major order.
func TestMaxPoolTies(t *testing.T) {
	x := nn.FromSlice([]float32{
		1, 1, 0, 2,
		1, 1, 2, 2,
		3, 0, 5, 4,
		0, 3, 4, 5,
	}, 1, 1, 4, 4)
	out, arg := maxPool2(x, nil)
	compare(t, "pooled", nn.Data(out), []float32{1, 2, 3, 5})
	dx := maxPool2Backward(nn.FromSlice([]float32{10, 20, 30, 40}, 1, 1, 2, 2), arg, x.Shape())
	compare(t, "pool gradient", nn.Data(dx), []float32{
		10, 0, 0, 20,
		0, 0, 0, 0,
		30, 0, 40, 0,
		0, 0, 0, 0,
	})
}

func TestNewVGGSliceRejects(t *testing.T) {
	r := rand.New(rand.NewSource(44))
	convs := vggConvs(r, 3, 4, 5)
	convs[1].In = 6
	if _, err := NewVGGSlice(false, convs...); err == nil {
		t.Error("convs whose channels do not chain were accepted")
	}
	convs = vggConvs(r, 3, 4)
	convs[0].Stride = 2
	if _, err := NewVGGSlice(false, convs...); err == nil {
		t.Error("a stride-2 conv was accepted")
	}
}

func TestScalingLayer(t *testing.T) {
	r := rand.New(rand.NewSource(45))
	k := ScalingKernel{Shift: lpipsShift, Scale: lpipsScale}
	gradCheck(t, k, 1e-3, randn(r, 2, 3, 2, 3))
	out, err := k.Forward([]*tensor.Dense{nn.FromSlice([]float32{0, 1, 0, 1, 0, 1}, 1, 3, 1, 2)})
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "scaled", nn.Data(out), []float32{0.03 / 0.458, 1.03 / 0.458, 0.088 / 0.448, 1.088 / 0.448, 0.188 / 0.45, 1.188 / 0.45})
}

// TestVGGSliceBackwardAlone: a backward pass with no forward pass of its
// own recomputes the activations and gives the same gradient.
func TestVGGSliceBackwardAlone(t *testing.T) {
	r := rand.New(rand.NewSource(46))
	s, err := NewVGGSlice(true, vggConvs(r, 3, 4, 4)...)
	if err != nil {
		t.Fatal(err)
	}
	x := randn(r, 2, 3, 6, 6)
	k := s.Kernel()
	out, _ := k.Forward([]*tensor.Dense{x})
	g := randn(r, out.Shape()...)
	want, _ := k.Backward([]*tensor.Dense{x}, out, g)
	got, err := s.Kernel().Backward([]*tensor.Dense{x}, out, g)
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "dx", nn.Data(got[0]), nn.Data(want[0]))
}
