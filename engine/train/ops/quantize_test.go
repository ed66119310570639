package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/vqgan"
)

// clearCodes returns a codebook [n, d] of well-separated entries (distinct
// corners of a cube, jittered) and z [b, d, h, w] with each position near
// one entry, so that no probe of a finite difference changes the choice.
// It also returns the entry each position was built from.
func clearCodes(r *rand.Rand, n, b, d, h, w int) (z, codebook *tensor.Dense, want []int) {
	codebook = randn(r, n, d)
	e := nn.Data(codebook)
	for row := 0; row < n; row++ {
		corner := (row*5 + 3) % (1 << d) // distinct for n <= 2^d, since 5 is odd
		for ch := 0; ch < d; ch++ {
			sign := float32(-1)
			if corner>>ch&1 == 1 {
				sign = 1
			}
			e[row*d+ch] = sign + 0.2*e[row*d+ch]
		}
	}
	z = randn(r, b, d, h, w)
	zs := nn.Data(z)
	hw := h * w
	want = make([]int, b*hw)
	for i := range want {
		want[i] = r.Intn(n)
		bi, p := i/hw, i%hw
		for ch := 0; ch < d; ch++ {
			j := (bi*d+ch)*hw + p
			zs[j] = e[want[i]*d+ch] + 0.3*zs[j]
		}
	}
	return z, codebook, want
}

func TestQuantizeForwardBackward(t *testing.T) {
	r := rand.New(rand.NewSource(51))
	z, codebook, want := clearCodes(r, 6, 2, 4, 3, 5)
	var codes []int
	k := &QuantizeKernel{Codes: &codes}
	out, err := k.Forward([]*tensor.Dense{z, codebook})
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != len(want) {
		t.Fatalf("%d codes, want %d", len(codes), len(want))
	}
	for i := range want {
		if codes[i] != want[i] {
			t.Fatalf("code %d = %d, want %d", i, codes[i], want[i])
		}
	}
	// Each output position is its entry, to the rounding of z + (zq - z).
	o, e := nn.Data(out), nn.Data(codebook)
	for i, v := range o {
		b, ch, p := i/60, i/15%4, i%15
		if d := math.Abs(float64(v - e[want[b*15+p]*4+ch])); d > 1e-6 {
			t.Fatalf("z_q[%d] = %v, want %v", i, v, e[want[b*15+p]*4+ch])
		}
	}
	if d := k.Differentiable(2); !d[0] || d[1] {
		t.Fatalf("differentiable %v, want z only", d)
	}
	grad := randn(r, 2, 4, 3, 5)
	g, err := k.Backward([]*tensor.Dense{z, codebook}, out, grad)
	if err != nil {
		t.Fatal(err)
	}
	if g[1] != nil {
		t.Fatal("a gradient for the codebook")
	}
	compare(t, "straight-through gradient", nn.Data(g[0]), nn.Data(grad))
	if &nn.Data(g[0])[0] == &nn.Data(grad)[0] {
		t.Fatal("the gradient shares the upstream gradient's memory")
	}
	// A nil codes pointer is allowed.
	if _, err := (&QuantizeKernel{}).Forward([]*tensor.Dense{z, codebook}); err != nil {
		t.Fatal(err)
	}
}

// TestNearest holds vqgan.Nearest to the full squared distance in float64
// and to the first index on ties.
func TestNearest(t *testing.T) {
	r := rand.New(rand.NewSource(52))
	b, d, h, w, n := 2, 3, 4, 5, 7
	z, codebook := randn(r, b, d, h, w), randn(r, n, d)
	got := vqgan.Nearest(z, nn.Data(codebook), n, d)
	zs, e := nn.Data(z), nn.Data(codebook)
	hw := h * w
	for i, g := range got {
		bi, p := i/hw, i%hw
		dist := func(row int) float64 {
			var s float64
			for ch := 0; ch < d; ch++ {
				x := float64(zs[(bi*d+ch)*hw+p]) - float64(e[row*d+ch])
				s += x * x
			}
			return s
		}
		for row := 0; row < n; row++ {
			if dist(row) < dist(g)-1e-5 {
				t.Fatalf("position %d: entry %d at %v, but %d is at %v", i, g, dist(g), row, dist(row))
			}
		}
	}
	// Entries 1 and 3 are equally near every z on the line x = 0, and 2
	// repeats 1: the first of them wins.
	tie := nn.FromSlice([]float32{5, 5, 1, 1, 1, 1, -1, 1}, 4, 2)
	zt := nn.FromSlice([]float32{0, 0, 0.5, -2}, 1, 2, 1, 2)
	for i, g := range vqgan.Nearest(zt, nn.Data(tie), 4, 2) {
		if g != 1 {
			t.Errorf("tie at position %d went to entry %d, want 1", i, g)
		}
	}
}

// withoutStops undoes VQLoss's stop-gradients for a finite-difference test:
// the loss's value is (commit + book) * mse whatever the weights, so its
// numerical derivative is (commit + book)/commit times the z gradient and
// (commit + book)/book times the codebook one.
type withoutStops struct{ *VQLossKernel }

func (k withoutStops) Backward(in []*tensor.Dense, out, grad *tensor.Dense) ([]*tensor.Dense, error) {
	gs, err := k.VQLossKernel.Backward(in, out, grad)
	if err != nil {
		return nil, err
	}
	commit, book := k.weights()
	for i, w := range []float32{commit, book} {
		for j := range nn.Data(gs[i]) {
			nn.Data(gs[i])[j] *= (commit + book) / w
		}
	}
	return gs, nil
}

func TestVQLossGradients(t *testing.T) {
	r := rand.New(rand.NewSource(53))
	for _, legacy := range []bool{true, false} {
		k := withoutStops{&VQLossKernel{Beta: 0.25, Legacy: legacy}}
		z, codebook, _ := clearCodes(r, 6, 2, 4, 5, 6)
		gradCheck(t, k, 1e-3, z, codebook)
		z, codebook, _ = clearCodes(r, 12, 1, 8, 9, 10)
		gradCheck(t, k, 1e-3, z, codebook)
	}
}

// TestVQLossTerms checks the value, which term carries beta, and that
// entries nothing chose get no gradient.
func TestVQLossTerms(t *testing.T) {
	r := rand.New(rand.NewSource(54))
	z, codebook, want := clearCodes(r, 8, 2, 3, 4, 4)
	zs, e := nn.Data(z), nn.Data(codebook)
	var mse float64
	for i, v := range zs {
		b, ch, p := i/48, i/16%3, i%16
		x := float64(e[want[b*16+p]*3+ch]) - float64(v)
		mse += x * x
	}
	mse /= float64(len(zs))
	used := map[int]bool{}
	for _, c := range want {
		used[c] = true
	}
	in := []*tensor.Dense{z, codebook}
	var grads [2][]*tensor.Dense
	for i, legacy := range []bool{true, false} {
		k := &VQLossKernel{Beta: 0.25, Legacy: legacy}
		out, err := k.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := float64(nn.Data(out)[0]); math.Abs(got-1.25*mse) > 1e-6*mse {
			t.Errorf("legacy %v: loss %v, want %v", legacy, got, 1.25*mse)
		}
		if grads[i], err = k.Backward(in, out, scalar(1)); err != nil {
			t.Fatal(err)
		}
	}
	// Legacy: z's gradient has weight 1 and the codebook's 0.25; the other
	// way round without legacy.
	for j, v := range nn.Data(grads[0][0]) {
		if d := math.Abs(float64(v - 4*nn.Data(grads[1][0])[j])); d > 1e-6 {
			t.Fatalf("dz[%d]: legacy %v, not 4 times %v", j, v, nn.Data(grads[1][0])[j])
		}
	}
	for j, v := range nn.Data(grads[1][1]) {
		if d := math.Abs(float64(v - 4*nn.Data(grads[0][1])[j])); d > 1e-6 {
			t.Fatalf("de[%d]: non-legacy %v, not 4 times %v", j, v, nn.Data(grads[0][1])[j])
		}
		if !used[j/3] && v != 0 {
			t.Fatalf("entry %d was never chosen but has gradient %v", j/3, v)
		}
	}
}

func TestQuantizerShapeErrors(t *testing.T) {
	for _, in := range [][]tensor.Shape{
		{{1, 4, 2, 2}, {8, 3}},
		{{4, 2, 2}, {8, 4}},
		{{1, 4, 2, 2}},
	} {
		if _, err := (&QuantizeKernel{}).Shape(in); err == nil {
			t.Errorf("quantize accepted %v", in)
		}
		if _, err := (&VQLossKernel{}).Shape(in); err == nil {
			t.Errorf("vq loss accepted %v", in)
		}
	}
}
