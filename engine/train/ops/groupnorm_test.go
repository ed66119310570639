package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestGroupNormGradients(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	cases := []struct {
		name          string
		n, c, h, w, g int
	}{
		{"small", 2, 8, 3, 4, 4},
		{"one channel per group", 1, 6, 5, 5, 6},
		{"above 8x8", 2, 6, 9, 11, 3},
		{"taming's 32 groups", 1, 64, 12, 10, 32},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := &GroupNormKernel{Groups: c.g, Eps: 1e-6}
			gradCheck(t, k, 1e-3, randn(r, c.n, c.c, c.h, c.w), randn(r, c.c), randn(r, c.c))
		})
	}
}

// TestGroupNormForward compares the forward pass with the definition in
// float64, above the 8x8 size where gorgonia's own GroupNorm goes wrong,
// on inputs whose mean is large next to their spread.
func TestGroupNormForward(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	n, c, h, w, groups := 2, 8, 16, 17, 2
	x := randn(r, n, c, h, w)
	for i := range nn.Data(x) {
		nn.Data(x)[i] += 3
	}
	gamma, beta := randn(r, c), randn(r, c)
	out, err := (&GroupNormKernel{Groups: groups, Eps: 1e-6}).Forward([]*tensor.Dense{x, gamma, beta})
	if err != nil {
		t.Fatal(err)
	}
	xs, o := nn.Data(x), nn.Data(out)
	span := c / groups * h * w
	for ng := 0; ng < n*groups; ng++ {
		var s, q float64
		for _, v := range xs[ng*span : (ng+1)*span] {
			s += float64(v)
		}
		mean := s / float64(span)
		for _, v := range xs[ng*span : (ng+1)*span] {
			q += (float64(v) - mean) * (float64(v) - mean)
		}
		rstd := 1 / math.Sqrt(q/float64(span)+1e-6)
		for i := ng * span; i < (ng+1)*span; i++ {
			ch := i / (h * w) % c
			want := (float64(xs[i])-mean)*rstd*float64(nn.Data(gamma)[ch]) + float64(nn.Data(beta)[ch])
			if d := math.Abs(float64(o[i]) - want); d > 1e-5 {
				t.Fatalf("out[%d] = %v, want %v", i, o[i], want)
			}
		}
	}
}

func TestGroupNormShapeErrors(t *testing.T) {
	k := &GroupNormKernel{Groups: 32, Eps: 1e-6}
	for _, in := range [][]tensor.Shape{
		{{1, 48, 4, 4}, {48}, {48}},
		{{1, 64, 4}, {64}, {64}},
		{{1, 64, 4, 4}, {32}, {64}},
		{{1, 64, 4, 4}, {64}},
	} {
		if _, err := k.Shape(in); err == nil {
			t.Errorf("shapes %v accepted", in)
		}
	}
	if s, err := k.Shape([]tensor.Shape{{2, 64, 5, 3}, {64}, {64}}); err != nil || !s.Eq(tensor.Shape{2, 64, 5, 3}) {
		t.Errorf("shape %v, %v", s, err)
	}
}

func BenchmarkGroupNormBackward(b *testing.B) {
	r := rand.New(rand.NewSource(13))
	in := []*tensor.Dense{randn(r, 4, 64, 32, 32), randn(r, 64), randn(r, 64)}
	k := &GroupNormKernel{Groups: 32, Eps: 1e-6}
	out, _ := k.Forward(in)
	grad := randn(r, 4, 64, 32, 32)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := k.Backward(in, out, grad); err != nil {
			b.Fatal(err)
		}
	}
}
