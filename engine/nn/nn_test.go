package nn

import (
	"math"
	"math/rand"
	"testing"
)

func randData(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// directConv is the definition of cross-correlation, used as the oracle.
func directConv(c *Conv2d, x []float32, n, h, w int) []float32 {
	oh, ow := c.OutputSize(h, w)
	y := make([]float32, n*c.Out*oh*ow)
	for b := 0; b < n; b++ {
		for o := 0; o < c.Out; o++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					var s float64
					if c.Bias != nil {
						s = float64(c.Bias[o])
					}
					for ci := 0; ci < c.In; ci++ {
						for kh := 0; kh < c.KH; kh++ {
							for kw := 0; kw < c.KW; kw++ {
								iy, ix := oy*c.Stride+kh-c.Pad.Top, ox*c.Stride+kw-c.Pad.Left
								if c.Pad.Circular {
									iy, ix = wrap(iy, h), wrap(ix, w)
								} else if iy < 0 || iy >= h || ix < 0 || ix >= w {
									continue
								}
								s += float64(c.Weight[((o*c.In+ci)*c.KH+kh)*c.KW+kw]) * float64(x[((b*c.In+ci)*h+iy)*w+ix])
							}
						}
					}
					y[((b*c.Out+o)*oh+oy)*ow+ox] = float32(s)
				}
			}
		}
	}
	return y
}

func assertClose(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > tol || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: [%d] = %v, want %v (diff %g)", what, i, got[i], want[i], d)
		}
	}
}

func TestConv2dMatchesDirect(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	cases := []struct {
		name          string
		in, out, k, s int
		pad           Padding
		h, w          int
		bias          bool
	}{
		{"3x3 same", 5, 4, 3, 1, Same(1), 9, 7, true},
		{"1x1", 6, 3, 1, 1, Padding{}, 5, 4, true},
		{"downsample pad right/bottom", 4, 4, 3, 2, Padding{0, 1, 0, 1, false}, 9, 8, true},
		{"circular", 3, 2, 3, 1, Padding{1, 1, 1, 1, true}, 6, 5, false},
		{"4x4 stride 2 pad 1", 3, 2, 4, 2, Same(1), 10, 10, true},
		// Rows wider than a packed panel, and a panel's end mid-row.
		{"3x3 wide rows", 3, 9, 3, 1, Same(1), 4, 45, true},
		{"circular wide rows", 2, 3, 3, 1, Padding{1, 1, 1, 1, true}, 3, 37, true},
	}
	for _, tc := range cases {
		for _, noWino := range []bool{false, true} {
			c := &Conv2d{Weight: randData(r, tc.out*tc.in*tc.k*tc.k), Out: tc.out, In: tc.in, KH: tc.k, KW: tc.k, Stride: tc.s, Pad: tc.pad, NoWinograd: noWino}
			if tc.bias {
				c.Bias = randData(r, tc.out)
			}
			x := randData(r, 2*tc.in*tc.h*tc.w)
			got := c.Forward(FromSlice(x, 2, tc.in, tc.h, tc.w))
			want := directConv(c, x, 2, tc.h, tc.w)
			assertClose(t, tc.name, Data(got), want, 1e-4)
			acc := FromSlice(randData(r, len(want)), got.Shape()...)
			for i, v := range Data(acc) {
				want[i] += v
			}
			c.AddTo(acc, FromSlice(x, 2, tc.in, tc.h, tc.w), nil)
			assertClose(t, tc.name+" added", Data(acc), want, 1e-4)
		}
	}
}

func TestConv2dBandedMatchesWhole(t *testing.T) {
	// A wide input forces the im2col band loop to run several bands.
	r := rand.New(rand.NewSource(3))
	c := &Conv2d{Weight: randData(r, 2*64*9), Bias: randData(r, 2), Out: 2, In: 64, KH: 3, KW: 3, Stride: 1, Pad: Same(1)}
	h, w := 70, 600
	x := randData(r, 64*h*w)
	if 64*9*w*h <= colBudget {
		t.Fatal("test input too small to need several bands")
	}
	got := Data(c.Forward(FromSlice(x, 1, 64, h, w)))
	want := directConv(c, x, 1, h, w)
	assertClose(t, "banded", got, want, 1e-3)

	// The prologue's scratch rows must follow the bands too.
	g := &GroupNorm{Groups: 32, C: 64, Eps: 1e-6, Weight: randData(r, 64), Bias: randData(r, 64)}
	xt := FromSlice(x, 1, 64, h, w)
	c.Pad.Circular = true
	assertClose(t, "banded prologue", Data(c.Apply(xt, g.Prologue(xt, true))), Data(c.Forward(g.Forward(xt, true))), 1e-4)
}

func TestGroupNorm(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	const n, c, h, w, groups = 2, 8, 5, 3, 4
	g := &GroupNorm{Groups: groups, C: c, Eps: 1e-6, Weight: randData(r, c), Bias: randData(r, c)}
	x := randData(r, n*c*h*w)
	for _, swish := range []bool{false, true} {
		got := Data(g.Forward(FromSlice(x, n, c, h, w), swish))
		want := make([]float32, len(x))
		per := c / groups * h * w
		for ng := 0; ng < n*groups; ng++ {
			var s, ss float64
			for _, v := range x[ng*per : (ng+1)*per] {
				s += float64(v)
			}
			mean := s / float64(per)
			for _, v := range x[ng*per : (ng+1)*per] {
				ss += (float64(v) - mean) * (float64(v) - mean)
			}
			std := math.Sqrt(ss/float64(per) + 1e-6)
			for i := ng * per; i < (ng+1)*per; i++ {
				ch := (i / (h * w)) % c
				v := (float64(x[i])-mean)/std*float64(g.Weight[ch]) + float64(g.Bias[ch])
				if swish {
					v = v / (1 + math.Exp(-v))
				}
				want[i] = float32(v)
			}
		}
		assertClose(t, "groupnorm", got, want, 1e-5)
	}
}

func TestLayerNormAndLinear(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	ln := &LayerNorm{C: 6, Eps: 1e-5, Weight: randData(r, 6), Bias: randData(r, 6)}
	x := randData(r, 3*6)
	got := make([]float32, len(x))
	ln.Forward(got, x)
	for row := 0; row < 3; row++ {
		xs := x[row*6 : row*6+6]
		var mean, v float64
		for _, e := range xs {
			mean += float64(e) / 6
		}
		for _, e := range xs {
			v += (float64(e) - mean) * (float64(e) - mean) / 6
		}
		for i, e := range xs {
			want := (float64(e)-mean)/math.Sqrt(v+1e-5)*float64(ln.Weight[i]) + float64(ln.Bias[i])
			if math.Abs(float64(got[row*6+i])-want) > 1e-5 {
				t.Fatalf("layernorm[%d,%d] = %v want %v", row, i, got[row*6+i], want)
			}
		}
	}
	lin := &Linear{Weight: randData(r, 4*6), Bias: randData(r, 4), In: 6, Out: 4}
	y := make([]float32, 3*4)
	lin.Forward(y, x, 3)
	for row := 0; row < 3; row++ {
		for o := 0; o < 4; o++ {
			want := float64(lin.Bias[o])
			for i := 0; i < 6; i++ {
				want += float64(lin.Weight[o*6+i]) * float64(x[row*6+i])
			}
			if math.Abs(float64(y[row*4+o])-want) > 1e-5 {
				t.Fatalf("linear[%d,%d] = %v want %v", row, o, y[row*4+o], want)
			}
		}
	}
}

func TestActivations(t *testing.T) {
	xs := []float32{-3, -0.5, 0, 0.5, 3}
	GELU(xs)
	// torch.nn.GELU()(tensor([-3, -0.5, 0, 0.5, 3]))
	want := []float32{-0.0040496, -0.1542687, 0, 0.3457313, 2.9959502}
	assertClose(t, "gelu", xs, want, 1e-6)
	row := []float32{1, 2, float32(math.Inf(-1)), 3}
	Softmax(row)
	e := []float64{math.E, math.E * math.E, 0, math.E * math.E * math.E}
	sum := e[0] + e[1] + e[3]
	assertClose(t, "softmax", row, []float32{float32(e[0] / sum), float32(e[1] / sum), 0, float32(e[3] / sum)}, 1e-6)
	if got := Swish(2); math.Abs(float64(got)-2/(1+math.Exp(-2))) > 1e-6 {
		t.Fatalf("swish(2) = %v", got)
	}
}

func TestUpsampleNearest(t *testing.T) {
	x := FromSlice([]float32{1, 2, 3, 4, 5, 6}, 1, 1, 2, 3)
	got := Data(UpsampleNearest2x(x))
	want := []float32{
		1, 1, 2, 2, 3, 3,
		1, 1, 2, 2, 3, 3,
		4, 4, 5, 5, 6, 6,
		4, 4, 5, 5, 6, 6,
	}
	assertClose(t, "upsample", got, want, 0)
}

func BenchmarkConv3x3_128x256(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	c := &Conv2d{Weight: randData(r, 128*128*9), Bias: randData(r, 128), Out: 128, In: 128, KH: 3, KW: 3, Stride: 1, Pad: Same(1)}
	x := FromSlice(randData(r, 128*256*256), 1, 128, 256, 256)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Forward(x)
	}
	b.ReportMetric(2*128*128*9*256*256*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
}

func TestExp32(t *testing.T) {
	for x := float32(-87.3); x <= 88.72; x += 0.0137 {
		got, want := float64(Exp32(x)), math.Exp(float64(x))
		if math.Abs(got-want) > 4e-7*want {
			t.Fatalf("Exp32(%v) = %v, want %v", x, got, want)
		}
	}
	if Exp32(-100) != 0 || !math.IsInf(float64(Exp32(100)), 1) || !math.IsNaN(float64(Exp32(float32(math.NaN())))) {
		t.Fatal("Exp32 limits are wrong")
	}
}

func TestErf32(t *testing.T) {
	for x := float32(-6); x < 6; x += 0.001 {
		if d := math.Abs(float64(Erf32(x)) - math.Erf(float64(x))); d > 5e-7 {
			t.Fatalf("Erf32(%v) off by %g", x, d)
		}
	}
}

func TestConvPrologueAndAddTo(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	const n, c, h, w = 2, 64, 9, 11
	g := &GroupNorm{Groups: 32, C: c, Eps: 1e-6, Weight: randData(r, c), Bias: randData(r, c)}
	x := FromSlice(randData(r, n*c*h*w), n, c, h, w)
	for _, pad := range []Padding{Same(1), {1, 1, 1, 1, true}, {0, 1, 0, 1, false}} {
		conv := &Conv2d{Weight: randData(r, 5*c*9), Bias: randData(r, 5), Out: 5, In: c, KH: 3, KW: 3, Stride: 1 + pad.Bottom - pad.Top, Pad: pad}
		for _, swish := range []bool{false, true} {
			want := Data(conv.Forward(g.Forward(x, swish)))
			got := conv.Apply(x, g.Prologue(x, swish))
			assertClose(t, "prologue", Data(got), want, 1e-4)
			acc := FromSlice(randData(r, len(want)), got.Shape()...)
			sum := append([]float32(nil), Data(acc)...)
			for i := range sum {
				sum[i] += want[i]
			}
			conv.AddTo(acc, x, g.Prologue(x, swish))
			assertClose(t, "add to", Data(acc), sum, 1e-4)
		}
	}
}
