package nn

import (
	"fmt"
	"math"
	"math/rand"
	"sync"
	"testing"
)

// winoConv is a 3x3 stride-1 convolution with weights ~N(0, 1/(9·in)), so
// outputs of ~N(0,1) inputs are ~N(0,1) too, as in a trained network.
func winoConv(r *rand.Rand, in, out int, pad Padding) *Conv2d {
	c := &Conv2d{Weight: randData(r, out*in*9), Bias: randData(r, out), Out: out, In: in, KH: 3, KW: 3, Stride: 1, Pad: pad}
	s := float32(1 / math.Sqrt(9*float64(in)))
	for i := range c.Weight {
		c.Weight[i] *= s
	}
	return c
}

// convWith runs one path over every sample, as Conv2d.run does: scheme s
// with blocks of at most tiles tiles (0: the default budget), or im2col
// when s is nil.
func (c *Conv2d) convWith(s *winoScheme, x []float32, n, h, w int, pro *Prologue, tiles int) []float32 {
	oh, ow := c.OutputSize(h, w)
	y := make([]float32, n*c.Out*oh*ow)
	for b := range n {
		yb, xb := y[b*c.Out*oh*ow:(b+1)*c.Out*oh*ow], x[b*c.In*h*w:(b+1)*c.In*h*w]
		c.initOutput(yb, oh*ow, false)
		switch {
		case s == nil:
			c.forwardOne(xb, h, w, yb, oh, ow, pro, b)
		case tiles > 0:
			c.winograd(s, xb, h, w, yb, oh, ow, pro, b, tiles*s.k()*(c.In+c.Out))
		default:
			c.winograd(s, xb, h, w, yb, oh, ow, pro, b, winoBudget)
		}
	}
	return y
}

var winoSchemes = []struct {
	name string
	s    *winoScheme
}{{"F4", &winoF4}, {"F2", &winoF2}}

func TestWinogradMatchesDirect(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	cases := []struct {
		name        string
		in, out     int
		pad         Padding
		h, w, tiles int
	}{
		{"same, multiple of 4", 8, 5, Same(1), 8, 12, 0},
		{"same, ragged", 6, 7, Same(1), 9, 7, 0},
		{"circular, ragged", 5, 4, Padding{1, 1, 1, 1, true}, 11, 6, 0},
		{"circular 1x1 input", 3, 2, Padding{1, 1, 1, 1, true}, 1, 1, 0},
		{"circular 2x3 input", 3, 2, Padding{1, 1, 1, 1, true}, 2, 3, 0},
		{"no padding", 4, 3, Padding{}, 10, 7, 0},
		{"asymmetric", 4, 3, Padding{0, 2, 2, 1, false}, 6, 9, 0},
		{"asymmetric circular", 4, 3, Padding{2, 0, 0, 2, true}, 7, 5, 0},
		// One tile per block: every block edge is a patch edge.
		{"one-tile blocks", 4, 3, Same(1), 13, 10, 1},
		{"one-tile blocks circular", 4, 3, Padding{1, 1, 1, 1, true}, 10, 13, 1},
		// Blocks of a few tile columns by one row, then of whole rows.
		{"column blocks", 2, 3, Same(1), 9, 50, 3},
		{"row blocks", 2, 3, Padding{1, 1, 1, 1, true}, 30, 9, 7},
		// Wide enough for the 8-tile SIMD loops, with ragged remainders.
		{"wide", 3, 4, Same(1), 7, 75, 0},
		{"wide circular", 3, 4, Padding{1, 1, 1, 1, true}, 6, 66, 0},
		{"wide blocks", 3, 4, Same(1), 9, 137, 11},
	}
	for _, tc := range cases {
		c := winoConv(r, tc.in, tc.out, tc.pad)
		x := randData(r, 2*tc.in*tc.h*tc.w)
		want := directConv(c, x, 2, tc.h, tc.w)
		for _, sc := range winoSchemes {
			got := c.convWith(sc.s, x, 2, tc.h, tc.w, nil, tc.tiles)
			assertClose(t, sc.name+" "+tc.name, got, want, 1e-5)
			c.wino = winoCache{} // the next scheme transforms the weights afresh
		}
	}
}

func TestWinogradDispatch(t *testing.T) {
	for _, tc := range []struct {
		in, out, k, stride int
		want               *winoScheme
	}{
		{3, 128, 3, 1, nil}, {16, 128, 3, 1, nil}, {32, 128, 3, 1, &winoF4}, {128, 3, 3, 1, &winoF4},
		{256, 512, 3, 1, &winoF4}, {512, 256, 3, 1, &winoF4}, {512, 512, 3, 1, &winoF2},
		{128, 128, 3, 2, nil}, {128, 128, 1, 1, nil}, {128, 128, 4, 1, nil},
	} {
		c := &Conv2d{In: tc.in, Out: tc.out, KH: tc.k, KW: tc.k, Stride: tc.stride}
		if got := c.winoScheme(); got != tc.want {
			t.Errorf("%d→%d %dx%d stride %d: scheme %v, want %v", tc.in, tc.out, tc.k, tc.k, tc.stride, got, tc.want)
		}
	}
}

// TestWinogradKernels checks the kernels in use (SIMD where available)
// against the portable ones, for every remainder of the 8-wide loops.
func TestWinogradKernels(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	for n := range 41 {
		const sstride, dstride = 50, 47
		src := randData(r, 6*sstride)
		check := func(name string, got, want []float32) {
			t.Helper()
			assertClose(t, fmt.Sprintf("%s n=%d", name, n), got, want, 1e-5)
		}
		dst := randData(r, 6*dstride)
		want := append([]float32(nil), dst...)
		winoInCols(dst, dstride, src, sstride, n)
		winoInColsGo(want, dstride, src, sstride, n)
		check("in cols", dst, want)

		tiles := src[:winoM*n+4]
		copy(dst, want)
		winoInTiles(dst, dstride, tiles, n)
		winoInTilesGo(want, dstride, tiles, n)
		check("in tiles", dst, want)

		copy(dst, want)
		winoOutCols(dst, dstride, src, sstride, n)
		winoOutColsGo(want, dstride, src, sstride, n)
		check("out cols", dst, want)

		out := randData(r, winoM*n)
		sum := append([]float32(nil), out...)
		winoOutTilesAdd(out, src, sstride, n)
		winoOutTilesAddGo(sum, src, sstride, n)
		check("out tiles", out, sum)
	}
}

func TestWinogradPrologueAndAddTo(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	const n, ch, h, w = 2, 64, 10, 13
	g := &GroupNorm{Groups: 32, C: ch, Eps: 1e-6, Weight: randData(r, ch), Bias: randData(r, ch)}
	xt := FromSlice(randData(r, n*ch*h*w), n, ch, h, w)
	for _, pad := range []Padding{Same(1), {1, 1, 1, 1, true}} {
		c := winoConv(r, ch, 32, pad)
		if c.winoScheme() == nil {
			t.Fatal("test conv does not take the Winograd path")
		}
		for _, swish := range []bool{false, true} {
			normed := Data(g.Forward(xt, swish))
			want := directConv(c, normed, n, h, w)
			assertClose(t, "prologue", Data(c.Apply(xt, g.Prologue(xt, swish))), want, 1e-5)
			acc := FromSlice(randData(r, len(want)), n, 32, h, w)
			sum := append([]float32(nil), Data(acc)...)
			for i := range sum {
				sum[i] += want[i]
			}
			c.AddTo(acc, xt, g.Prologue(xt, swish))
			assertClose(t, "add to", Data(acc), sum, 1e-5)
			// Small blocks: the prologue must follow the patches.
			for _, sc := range winoSchemes {
				c.wino = winoCache{}
				got := c.convWith(sc.s, Data(xt), n, h, w, g.Prologue(xt, swish), 2)
				assertClose(t, sc.name+" prologue, small blocks", got, want, 1e-5)
			}
			c.wino = winoCache{}
		}
	}
}

// TestWinogradAccuracy measures every path against the float64 oracle with
// realistic magnitudes; each scheme must stay within 1e-5 of the largest
// output up to 512 input channels.
func TestWinogradAccuracy(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	for _, in := range []int{32, 128, 256, 512} {
		const out, h, w = 16, 16, 16
		c := winoConv(r, in, out, Same(1))
		x := randData(r, in*h*w)
		want := directConv(c, x, 1, h, w)
		peak := 0.0
		for _, v := range want {
			peak = max(peak, math.Abs(float64(v)))
		}
		worst := func(got []float32) float64 {
			e := 0.0
			for i := range got {
				e = max(e, math.Abs(float64(got[i]-want[i])))
			}
			return e
		}
		e := worst(c.convWith(nil, x, 1, h, w, nil, 0))
		line := fmt.Sprintf("in %3d: max |y| %.2f; max abs error (relative) im2col %.2e (%.2e)", in, peak, e, e/peak)
		for _, sc := range winoSchemes {
			e := worst(c.convWith(sc.s, x, 1, h, w, nil, 0))
			c.wino = winoCache{}
			line += fmt.Sprintf(", %s %.2e (%.2e)", sc.name, e, e/peak)
			if e/peak > 1e-5 {
				t.Errorf("in %d: %s relative error %.2e", in, sc.name, e/peak)
			}
		}
		t.Log(line)
	}
}

func TestWinogradWeightsConcurrentFirstUse(t *testing.T) {
	r := rand.New(rand.NewSource(10))
	c := winoConv(r, 32, 32, Same(1))
	if c.winoScheme() == nil {
		t.Fatal("test conv does not take the Winograd path")
	}
	x := FromSlice(randData(r, 32*12*12), 1, 32, 12, 12)
	want := directConv(c, Data(x), 1, 12, 12)
	var wg sync.WaitGroup
	got := make([][]float32, 8)
	for i := range got {
		wg.Go(func() { got[i] = Data(c.Forward(x)) })
	}
	wg.Wait()
	for _, g := range got {
		assertClose(t, "concurrent", g, want, 1e-5)
	}
}

// BenchmarkConv3x3Paths runs im2col and both Winograd schemes back to back
// on the decoder's shapes; GFLOPS counts the direct convolution's
// operations.
func BenchmarkConv3x3Paths(b *testing.B) {
	for _, s := range []struct{ in, out, hw int }{
		{256, 512, 16}, {512, 512, 16}, {512, 512, 32}, {512, 512, 64}, {512, 256, 32}, {256, 256, 32},
		{256, 256, 64}, {256, 256, 128}, {256, 128, 128}, {128, 128, 128}, {128, 128, 256}, {128, 3, 256},
		{3, 128, 256}, {8, 128, 256}, {16, 128, 256}, {32, 128, 256},
	} {
		r := rand.New(rand.NewSource(1))
		c := winoConv(r, s.in, s.out, Same(1))
		x := randData(r, s.in*s.hw*s.hw)
		y := make([]float32, s.out*s.hw*s.hw)
		for _, path := range []struct {
			name string
			s    *winoScheme
		}{{"im2col", nil}, {"F4", &winoF4}, {"F2", &winoF2}} {
			c.wino = winoCache{}
			b.Run(fmt.Sprintf("%dto%d@%d/%s", s.in, s.out, s.hw, path.name), func(b *testing.B) {
				for b.Loop() {
					c.initOutput(y, s.hw*s.hw, false)
					if path.s != nil {
						c.winograd(path.s, x, s.hw, s.hw, y, s.hw, s.hw, nil, 0, winoBudget)
					} else {
						c.forwardOne(x, s.hw, s.hw, y, s.hw, s.hw, nil, 0)
					}
				}
				b.ReportMetric(2*float64(s.in*s.out*9*s.hw*s.hw)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	}
}
