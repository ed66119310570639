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

// conv runs one path over every sample, as Conv2d.run does: Winograd with
// the given block budget, or im2col when budget is 0.
func (c *Conv2d) convWith(x []float32, n, h, w int, pro *Prologue, budget int) []float32 {
	oh, ow := c.OutputSize(h, w)
	y := make([]float32, n*c.Out*oh*ow)
	for b := range n {
		yb, xb := y[b*c.Out*oh*ow:(b+1)*c.Out*oh*ow], x[b*c.In*h*w:(b+1)*c.In*h*w]
		c.initOutput(yb, oh*ow, false)
		if budget > 0 {
			c.winograd(xb, h, w, yb, oh, ow, pro, b, budget)
		} else {
			c.forwardOne(xb, h, w, yb, oh, ow, pro, b)
		}
	}
	return y
}

func TestWinogradMatchesDirect(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	cases := []struct {
		name         string
		in, out      int
		pad          Padding
		h, w, budget int
	}{
		{"same, multiple of 4", 8, 5, Same(1), 8, 12, winoBudget},
		{"same, ragged", 6, 7, Same(1), 9, 7, winoBudget},
		{"circular, ragged", 5, 4, Padding{1, 1, 1, 1, true}, 11, 6, winoBudget},
		{"circular 1x1 input", 3, 2, Padding{1, 1, 1, 1, true}, 1, 1, winoBudget},
		{"circular 2x3 input", 3, 2, Padding{1, 1, 1, 1, true}, 2, 3, winoBudget},
		{"no padding", 4, 3, Padding{}, 10, 7, winoBudget},
		{"asymmetric", 4, 3, Padding{0, 2, 2, 1, false}, 6, 9, winoBudget},
		{"asymmetric circular", 4, 3, Padding{2, 0, 0, 2, true}, 7, 5, winoBudget},
		// One tile per block: every block edge is a patch edge.
		{"one-tile blocks", 4, 3, Same(1), 13, 10, winoK * 7},
		{"one-tile blocks circular", 4, 3, Padding{1, 1, 1, 1, true}, 10, 13, winoK * 7},
		// Blocks of 3 tile columns by one row, then of whole rows.
		{"column blocks", 2, 3, Same(1), 9, 50, winoK * 5 * 3},
		{"row blocks", 2, 3, Padding{1, 1, 1, 1, true}, 30, 9, winoK * 5 * 7},
		// Wide enough for the 8-tile SIMD loops, with ragged remainders.
		{"wide", 3, 4, Same(1), 7, 75, winoBudget},
		{"wide circular", 3, 4, Padding{1, 1, 1, 1, true}, 6, 66, winoBudget},
		{"wide blocks", 3, 4, Same(1), 9, 137, winoK * 7 * 11},
	}
	for _, tc := range cases {
		c := winoConv(r, tc.in, tc.out, tc.pad)
		x := randData(r, 2*tc.in*tc.h*tc.w)
		got := c.convWith(x, 2, tc.h, tc.w, nil, tc.budget)
		assertClose(t, tc.name, got, directConv(c, x, 2, tc.h, tc.w), 1e-5)
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
		if !c.winogradFits() {
			t.Fatal("test conv does not take the Winograd path")
		}
		for _, swish := range []bool{false, true} {
			normed := Data(g.Forward(xt, swish))
			want := directConv(c, normed, n, h, w)
			assertClose(t, "prologue", Data(c.Apply(xt, g.Prologue(xt, swish))), want, 1e-5)
			// Small blocks: the prologue must follow the patches.
			assertClose(t, "prologue, small blocks", c.convWith(Data(xt), n, h, w, g.Prologue(xt, swish), winoK*(ch+32)*2), want, 1e-5)
			acc := FromSlice(randData(r, len(want)), n, 32, h, w)
			sum := append([]float32(nil), Data(acc)...)
			for i := range sum {
				sum[i] += want[i]
			}
			c.AddTo(acc, xt, g.Prologue(xt, swish))
			assertClose(t, "add to", Data(acc), sum, 1e-5)
		}
	}
}

// TestWinogradAccuracy measures both paths against the float64 oracle with
// realistic magnitudes; Winograd must stay within 1e-5 of the largest
// output, the bound for the layers it is used on.
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
		ew, ei := worst(c.convWith(x, 1, h, w, nil, winoBudget)), worst(c.convWith(x, 1, h, w, nil, 0))
		t.Logf("in %3d: max |y| %.2f; max abs error winograd %.2e (relative %.2e), im2col %.2e (relative %.2e)", in, peak, ew, ew/peak, ei, ei/peak)
		if ew/peak > 1e-5 {
			t.Errorf("in %d: Winograd relative error %.2e", in, ew/peak)
		}
	}
}

func TestWinogradWeightsConcurrentFirstUse(t *testing.T) {
	r := rand.New(rand.NewSource(10))
	c := winoConv(r, 32, 32, Same(1))
	if !c.winogradFits() {
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

// BenchmarkConv3x3Paths runs im2col and Winograd back to back on the
// decoder's shapes; GFLOPS counts the direct convolution's operations.
func BenchmarkConv3x3Paths(b *testing.B) {
	for _, s := range []struct{ in, out, hw int }{
		{256, 512, 16}, {512, 512, 16}, {512, 512, 32}, {512, 512, 64}, {512, 256, 32}, {256, 256, 32},
		{256, 256, 64}, {256, 256, 128}, {256, 128, 128}, {128, 128, 128}, {128, 128, 256}, {128, 3, 256}, {3, 128, 256}, {8, 128, 256}, {16, 128, 256},
	} {
		r := rand.New(rand.NewSource(1))
		c := winoConv(r, s.in, s.out, Same(1))
		x := randData(r, s.in*s.hw*s.hw)
		y := make([]float32, s.out*s.hw*s.hw)
		for _, path := range []string{"im2col", "winograd"} {
			b.Run(fmt.Sprintf("%dto%d@%d/%s", s.in, s.out, s.hw, path), func(b *testing.B) {
				for b.Loop() {
					c.initOutput(y, s.hw*s.hw, false)
					if path == "winograd" {
						c.winograd(x, s.hw, s.hw, y, s.hw, s.hw, nil, 0, winoBudget)
					} else {
						c.forwardOne(x, s.hw, s.hw, y, s.hw, s.hw, nil, 0)
					}
				}
				b.ReportMetric(2*float64(s.in*s.out*9*s.hw*s.hw)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	}
}
