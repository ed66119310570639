package ops

import (
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestConvGradients(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	cases := []struct {
		name           string
		in, out, k, st int
		pad            nn.Padding
		bias           bool
	}{
		{"3x3 same", 3, 4, 3, 1, nn.Same(1), true},
		{"3x3 stride 2, pad right and bottom", 4, 2, 3, 2, nn.Padding{Bottom: 1, Right: 1}, true},
		{"1x1", 5, 3, 1, 1, nn.Padding{}, true},
		{"4x4 stride 2 pad 1, no bias", 3, 2, 4, 2, nn.Same(1), false},
		{"3x3 circular", 2, 2, 3, 1, nn.Padding{Top: 1, Bottom: 1, Left: 1, Right: 1, Circular: true}, false},
		{"3x3 winograd", 32, 4, 3, 1, nn.Same(1), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := &Conv2d{Stride: c.st, Pad: c.pad}
			in := []*tensor.Dense{randn(r, 2, c.in, 7, 6), randn(r, c.out, c.in, c.k, c.k)}
			if c.bias {
				in = append(in, randn(r, c.out))
			}
			gradCheck(t, k, 1e-3, in...)
		})
	}
}

// TestGraphGradients runs conv kernels through gorgonia: Grad builds the
// backward graph (summing the two paths into x with gorgonia's own Add), a
// TapeMachine runs it twice, and the gradients match the kernels' own.
func TestGraphGradients(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	xv, w1v, w2v := randn(r, 2, 3, 5, 5), randn(r, 3, 3, 3, 3), randn(r, 3, 3, 3, 3)
	g := G.NewGraph()
	x := G.NewTensor(g, G.Float32, 4, G.WithShape(2, 3, 5, 5), G.WithValue(xv), G.WithName("x"))
	w1 := G.NewTensor(g, G.Float32, 4, G.WithShape(3, 3, 3, 3), G.WithValue(w1v), G.WithName("w1"))
	w2 := G.NewTensor(g, G.Float32, 4, G.WithShape(3, 3, 3, 3), G.WithValue(w2v), G.WithName("w2"))
	h := Conv(x, w1, nil, 1, nn.Same(1))
	y := Conv(h, w2, nil, 1, nn.Same(1))
	sum, err := G.Add(y, h)
	if err != nil {
		t.Fatal(err)
	}
	cost := Mean(sum)
	grads, err := G.Grad(cost, w1, w2)
	if err != nil {
		t.Fatal(err)
	}
	dw1, dw2, loss := Watch(grads[0]), Watch(grads[1]), Watch(cost)
	m := G.NewTapeMachine(g)
	defer m.Close()
	for run := 0; run < 2; run++ {
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		m.Reset()
	}

	// The same by hand.
	conv := &Conv2d{Stride: 1, Pad: nn.Same(1)}
	hv, _ := conv.Forward([]*tensor.Dense{xv, w1v})
	yv, _ := conv.Forward([]*tensor.Dense{hv, w2v})
	var want float64
	for i, v := range nn.Data(yv) {
		want += float64(v + nn.Data(hv)[i])
	}
	want /= float64(len(nn.Data(yv)))
	if got := float64(loss.Scalar()); math.Abs(got-want) > 1e-5 {
		t.Fatalf("loss %v, want %v", got, want)
	}
	dy := nn.FromSlice(make([]float32, yv.Shape().TotalSize()), yv.Shape()...)
	for i := range nn.Data(dy) {
		nn.Data(dy)[i] = 1 / float32(len(nn.Data(dy)))
	}
	g2, _ := conv.Backward([]*tensor.Dense{hv, w2v}, yv, dy)
	dh := g2[0]
	for i := range nn.Data(dh) {
		nn.Data(dh)[i] += nn.Data(dy)[i]
	}
	g1, _ := conv.Backward([]*tensor.Dense{xv, w1v}, hv, dh)
	compare(t, "dw1", dw1.Data(), nn.Data(g1[1]))
	compare(t, "dw2", dw2.Data(), nn.Data(g2[1]))
}

func compare(t *testing.T, name string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-5 {
			t.Fatalf("%s[%d] = %v, want %v", name, i, got[i], want[i])
		}
	}
}
