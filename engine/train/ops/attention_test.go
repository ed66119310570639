package ops

import (
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestSpatialAttentionGradients(t *testing.T) {
	r := rand.New(rand.NewSource(41))
	for _, s := range [][]int{{2, 4, 3, 3}, {1, 3, 1, 5}, {2, 8, 9, 10}, {1, 16, 12, 12}} {
		q, k, v := randn(r, s...), randn(r, s...), randn(r, s...)
		for i := range nn.Data(q) {
			nn.Data(q)[i] *= 3 // peaked weights, not near-uniform ones
		}
		gradCheck(t, SpatialAttentionKernel{}, 1e-3, q, k, v)
	}
}

// TestSpatialAttentionForward holds the kernel to the formula in float64.
func TestSpatialAttentionForward(t *testing.T) {
	r := rand.New(rand.NewSource(42))
	n, c, h, w := 2, 5, 9, 9
	in := []*tensor.Dense{randn(r, n, c, h, w), randn(r, n, c, h, w), randn(r, n, c, h, w)}
	out, err := SpatialAttentionKernel{}.Forward(in)
	if err != nil {
		t.Fatal(err)
	}
	q, k, v, o := nn.Data(in[0]), nn.Data(in[1]), nn.Data(in[2]), nn.Data(out)
	hw := h * w
	p := make([]float64, hw)
	for b := 0; b < n; b++ {
		for i := 0; i < hw; i++ {
			var sum float64
			for j := range p {
				var s float64
				for ch := 0; ch < c; ch++ {
					s += float64(q[(b*c+ch)*hw+i]) * float64(k[(b*c+ch)*hw+j])
				}
				p[j] = math.Exp(s / math.Sqrt(float64(c)))
				sum += p[j]
			}
			for ch := 0; ch < c; ch++ {
				var want float64
				for j, pj := range p {
					want += float64(v[(b*c+ch)*hw+j]) * pj / sum
				}
				if got := o[(b*c+ch)*hw+i]; math.Abs(float64(got)-want) > 1e-5 {
					t.Fatalf("out[%d,%d,%d] = %v, want %v", b, ch, i, got, want)
				}
			}
		}
	}
}

// TestImageStageGraph runs GroupNorm -> Swish -> conv -> Upsample2x ->
// SpatialAttention (q and k through 1x1 convs, v the upsampled map itself)
// -> 1x1 conv -> mean through gorgonia twice, and compares every gradient
// with the kernels' own Backward chained by hand, the three paths into the
// upsampled map summed.
func TestImageStageGraph(t *testing.T) {
	r := rand.New(rand.NewSource(43))
	const n, c, h, w, groups = 2, 8, 9, 10, 4
	vals := map[string]*tensor.Dense{
		"x": randn(r, n, c, h, w), "gamma": randn(r, c), "beta": randn(r, c),
		"wc": randn(r, c, c, 3, 3), "bc": randn(r, c),
		"wq": randn(r, c, c, 1, 1), "wk": randn(r, c, c, 1, 1), "wo": randn(r, c, c, 1, 1),
	}
	g := G.NewGraph()
	nodes := map[string]*G.Node{}
	for name, v := range vals {
		nodes[name] = G.NewTensor(g, G.Float32, v.Dims(), G.WithShape(v.Shape()...), G.WithValue(v), G.WithName(name))
	}
	hid := Conv(Swish(GroupNorm(nodes["x"], nodes["gamma"], nodes["beta"], groups, 1e-6)), nodes["wc"], nodes["bc"], 1, nn.Same(1))
	up := Upsample2x(hid)
	att := SpatialAttention(Conv(up, nodes["wq"], nil, 1, nn.Padding{}), Conv(up, nodes["wk"], nil, 1, nn.Padding{}), up)
	cost := Mean(Conv(att, nodes["wo"], nil, 1, nn.Padding{}))
	names := []string{"x", "gamma", "beta", "wc", "bc", "wq", "wk", "wo"}
	wrt := make(G.Nodes, len(names))
	for i, name := range names {
		wrt[i] = nodes[name]
	}
	grads, err := G.Grad(cost, wrt...)
	if err != nil {
		t.Fatal(err)
	}
	watched := make([]*Watched, len(grads))
	for i, gr := range grads {
		watched[i] = Watch(gr)
	}
	loss := Watch(cost)
	m := G.NewTapeMachine(g)
	defer m.Close()
	for run := 0; run < 2; run++ {
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		m.Reset()
	}

	// The same by hand.
	fwd := func(k Kernel, in ...*tensor.Dense) *tensor.Dense {
		out, err := k.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	back := func(k Kernel, out, grad *tensor.Dense, in ...*tensor.Dense) []*tensor.Dense {
		gs, err := k.Backward(in, out, grad)
		if err != nil {
			t.Fatal(err)
		}
		return gs
	}
	gn := &GroupNormKernel{Groups: groups, Eps: 1e-6}
	conv3, conv1 := &Conv2d{Stride: 1, Pad: nn.Same(1)}, &Conv2d{Stride: 1}
	v := vals
	normed := fwd(gn, v["x"], v["gamma"], v["beta"])
	act := fwd(SwishKernel{}, normed)
	hv := fwd(conv3, act, v["wc"], v["bc"])
	uv := fwd(Upsample2xKernel{}, hv)
	qv, kv := fwd(conv1, uv, v["wq"]), fwd(conv1, uv, v["wk"])
	av := fwd(SpatialAttentionKernel{}, qv, kv, uv)
	ov := fwd(conv1, av, v["wo"])
	var want float64
	for _, x := range nn.Data(ov) {
		want += float64(x)
	}
	want /= float64(len(nn.Data(ov)))
	if got := float64(loss.Scalar()); math.Abs(got-want) > 1e-6 {
		t.Fatalf("loss %v, want %v", got, want)
	}
	dout := zerosLike(ov)
	for i := range nn.Data(dout) {
		nn.Data(dout)[i] = 1 / float32(len(nn.Data(dout)))
	}
	gO := back(conv1, ov, dout, av, v["wo"])
	gA := back(SpatialAttentionKernel{}, av, gO[0], qv, kv, uv)
	gQ := back(conv1, qv, gA[0], uv, v["wq"])
	gK := back(conv1, kv, gA[1], uv, v["wk"])
	du := gA[2].Clone().(*tensor.Dense)
	nn.AddInPlace(nn.Data(du), nn.Data(gQ[0]))
	nn.AddInPlace(nn.Data(du), nn.Data(gK[0]))
	dh := back(Upsample2xKernel{}, uv, du, hv)[0]
	gC := back(conv3, hv, dh, act, v["wc"], v["bc"])
	dn := back(SwishKernel{}, act, gC[0], normed)[0]
	gN := back(gn, normed, dn, v["x"], v["gamma"], v["beta"])
	wantGrads := map[string]*tensor.Dense{
		"x": gN[0], "gamma": gN[1], "beta": gN[2], "wc": gC[1], "bc": gC[2],
		"wq": gQ[1], "wk": gK[1], "wo": gO[1],
	}
	for i, name := range names {
		compareScaled(t, "d"+name, watched[i].Data(), nn.Data(wantGrads[name]), 1e-4)
	}
}

// compareScaled checks got against want within tol of want's largest
// magnitude: sums taken in another order differ in their last bits.
func compareScaled(t *testing.T, name string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	var scale float64
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	if scale == 0 {
		t.Fatalf("%s: the expected gradient is all zero", name)
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > tol*scale {
			t.Fatalf("%s[%d] = %v, want %v (scale %.3g)", name, i, got[i], want[i], scale)
		}
	}
}

func BenchmarkAttentionBackward(b *testing.B) {
	r := rand.New(rand.NewSource(44))
	in := []*tensor.Dense{randn(r, 4, 64, 32, 32), randn(r, 4, 64, 32, 32), randn(r, 4, 64, 32, 32)}
	out, _ := SpatialAttentionKernel{}.Forward(in)
	grad := randn(r, 4, 64, 32, 32)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := (SpatialAttentionKernel{}).Backward(in, out, grad); err != nil {
			b.Fatal(err)
		}
	}
}
