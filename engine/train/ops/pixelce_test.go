package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// pixelCase is logits [b, 4, h, w] scaled up so the softmax is far from
// uniform, and a target per pixel.
func pixelCase(seed int64, b, h, w int) (*tensor.Dense, []int) {
	r := rand.New(rand.NewSource(seed))
	x := randn(r, b, 4, h, w)
	for i, v := range nn.Data(x) {
		nn.Data(x)[i] = 3 * v
	}
	targets := make([]int, b*h*w)
	for i := range targets {
		targets[i] = r.Intn(4)
	}
	return x, targets
}

func TestPixelCrossEntropyGradients(t *testing.T) {
	x, targets := pixelCase(30, 2, 3, 5)
	gradCheck(t, &PixelCrossEntropyKernel{Targets: &targets}, 1e-3, x)
}

// Per pixel, the loss and gradient are the sequence cross-entropy's over
// the labels at that pixel: the same numbers in channels-last order. The
// batch is large enough that the workers' ranges cross image boundaries.
func TestPixelCrossEntropyIsCrossEntropyPerPixel(t *testing.T) {
	x, targets := pixelCase(31, 3, 16, 20)
	nn.Data(x)[7] = 60 // a large logit must not overflow
	b, l, h, w := nn.Dims4(x)
	plane := h * w
	rows := make([]float32, b*plane*l)
	for i := range b {
		for c := range l {
			for p := range plane {
				rows[(i*plane+p)*l+c] = nn.Data(x)[(i*l+c)*plane+p]
			}
		}
	}
	seq := nn.FromSlice(rows, b*plane, l)
	pk, sk := &PixelCrossEntropyKernel{Targets: &targets}, &CrossEntropyKernel{Targets: &targets}
	got, err := pk.Forward([]*tensor.Dense{x})
	if err != nil {
		t.Fatal(err)
	}
	want, err := sk.Forward([]*tensor.Dense{seq})
	if err != nil {
		t.Fatal(err)
	}
	if g, w := nn.Data(got)[0], nn.Data(want)[0]; math.Abs(float64(g-w)) > 1e-5*math.Max(1, float64(w)) {
		t.Fatalf("loss %v, the sequence cross-entropy's %v", g, w)
	}
	dL := scalar(1.7)
	pg, err := pk.Backward([]*tensor.Dense{x}, got, dL)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := sk.Backward([]*tensor.Dense{seq}, want, dL)
	if err != nil {
		t.Fatal(err)
	}
	for i := range b {
		for c := range l {
			for p := range plane {
				g, w := nn.Data(pg[0])[(i*l+c)*plane+p], nn.Data(sg[0])[(i*plane+p)*l+c]
				if math.Abs(float64(g-w)) > 1e-6 {
					t.Fatalf("gradient at image %d label %d pixel %d: %v, the sequence cross-entropy's %v", i, c, p, g, w)
				}
			}
		}
	}
}

func TestPixelCrossEntropyRejectsBadTargets(t *testing.T) {
	x, targets := pixelCase(32, 2, 3, 5)
	k := &PixelCrossEntropyKernel{Targets: &targets}
	targets[11] = 4
	if _, err := k.Forward([]*tensor.Dense{x}); err == nil {
		t.Error("target 4 was accepted for 4 labels")
	}
	targets = targets[:5]
	if _, err := k.Forward([]*tensor.Dense{x}); err == nil {
		t.Error("5 targets were accepted for 30 pixels")
	}
	if _, err := k.Shape([]tensor.Shape{{4, 5}}); err == nil {
		t.Error("2-D logits were accepted")
	}
}
