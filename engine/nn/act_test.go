package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// ulps returns how many float32 steps separate a and b: 0 when equal (both
// NaN counts as equal), MaxInt when only one is NaN.
func ulps(a, b float32) int {
	if a != a || b != b {
		if a != a && b != b {
			return 0
		}
		return math.MaxInt
	}
	ord := func(x float32) int64 {
		u := math.Float32bits(x)
		if u&(1<<31) != 0 {
			return -int64(u &^ (1 << 31))
		}
		return int64(u)
	}
	d := ord(a) - ord(b)
	return int(max(d, -d))
}

var (
	inf = float32(math.Inf(1))
	nan = float32(math.NaN())
)

// edgeValues are the inputs where clamping, overflow, NaN and subnormals
// decide the result.
var edgeValues = []float32{
	0, float32(math.Copysign(0, -1)), nan, inf, -inf,
	88.7, -88.7, 88.72, -88.72, 88.73, -88.73, 88.4, -88.4, 87.3, -87.3, 87.4, -87.4,
	1e-45, -1e-45, 1e-40, -3e-39, 1.2e-38, -1.2e-38, 1e30, -1e30, math.MaxFloat32, -math.MaxFloat32,
	1, -1, 0.5, -0.5, 10, -10, 20, -20,
}

// kernelInputs yields inputs of every length 0..70 (all remainders of the
// 8-wide loop) at several alignments, from random values plus the edge
// values spread over the main loop and the tail.
func kernelInputs(spread float64) [][]float32 {
	r := rand.New(rand.NewSource(21))
	var out [][]float32
	for n := range 71 {
		for off := range 3 {
			buf := make([]float32, off+n)
			for i := range buf {
				buf[i] = float32(r.NormFloat64() * spread)
			}
			out = append(out, buf[off:])
		}
	}
	for i := 0; i < len(edgeValues); i += 5 {
		out = append(out, append([]float32(nil), edgeValues[i:]...))
		out = append(out, append([]float32(nil), edgeValues[:i+1]...))
	}
	return out
}

// guarded returns a copy of xs in a slice whose capacity continues with
// sentinels, and a check that the sentinels are intact.
func guarded(xs []float32) ([]float32, func() bool) {
	buf := append(append(make([]float32, 0, len(xs)+8), xs...), 7, 7, 7, 7, 7, 7, 7, 7)
	return buf[:len(xs)], func() bool {
		for _, v := range buf[len(xs):] {
			if v != 7 {
				return false
			}
		}
		return true
	}
}

// within reports whether got is within n ulps of want or within abs of it.
func within(got, want float32, n int, abs float64) bool {
	return ulps(got, want) <= n || math.Abs(float64(got)-float64(want)) <= abs
}

// TestActKernelsMatchGo holds the dispatched kernels (SIMD where the CPU has
// it) to the portable ones, over every length, tails and edge values.
func TestActKernelsMatchGo(t *testing.T) {
	for _, tc := range []struct{ scale, shift float32 }{{1, 0}, {0.7, -0.3}, {-2.5, 1.25}} {
		for _, src := range kernelInputs(6) {
			name := fmt.Sprintf("n=%d scale=%v shift=%v", len(src), tc.scale, tc.shift)
			want := make([]float32, len(src))
			swishAffineGo(want, src, tc.scale, tc.shift)
			got, intact := guarded(make([]float32, len(src)))
			swishAffine(got, src, tc.scale, tc.shift)
			for i, v := range src {
				// A fused multiply-add may round v*scale + shift differently.
				abs := 2.5e-7 * (math.Abs(float64(v*tc.scale)) + math.Abs(float64(tc.shift)))
				if !within(got[i], want[i], 4, abs) {
					t.Fatalf("swish %s: [%d] Swish(%v*scale+shift) = %v, want %v", name, i, v, got[i], want[i])
				}
			}
			affineGo(want, src, tc.scale, tc.shift)
			affine(got, src, tc.scale, tc.shift)
			for i, v := range src {
				abs := 1.2e-7 * (math.Abs(float64(v*tc.scale)) + math.Abs(float64(tc.shift)))
				if !within(got[i], want[i], 1, abs) {
					t.Fatalf("affine %s: [%d] %v*scale+shift = %v, want %v", name, i, v, got[i], want[i])
				}
			}
			if !intact() {
				t.Fatalf("%s: wrote past the end of dst", name)
			}
		}
	}
	r := rand.New(rand.NewSource(8))
	for _, x := range kernelInputs(6) {
		g := make([]float32, len(x))
		for i := range g {
			g[i] = float32(r.NormFloat64())
		}
		want := make([]float32, len(x))
		swishGradGo(want, x, g)
		got, intact := guarded(make([]float32, len(x)))
		SwishBackward(got, x, g)
		for i, v := range x {
			// The two terms cancel near x = -1.28, so the bound is on
			// their size: |g|·(s + |x|·(1-s)·s) <= |g|·(1 + |x|).
			if !within(got[i], want[i], 4, 3e-7*math.Abs(float64(g[i]))*(1+math.Abs(float64(v)))) {
				t.Fatalf("swish gradient n=%d: [%d] at x=%v g=%v = %v, want %v", len(x), i, v, g[i], got[i], want[i])
			}
		}
		if !intact() {
			t.Fatalf("swish gradient n=%d: wrote past the end", len(x))
		}
	}
	for _, x := range kernelInputs(6) {
		got, intact := guarded(x)
		want := append([]float32(nil), x...)
		ReLU(got)
		reluGo(want)
		for i := range x {
			if ulps(got[i], want[i]) != 0 || math.Signbit(float64(got[i])) != math.Signbit(float64(want[i])) {
				t.Fatalf("relu n=%d: [%d] of %v = %v, want %v", len(x), i, x[i], got[i], want[i])
			}
		}
		a := make([]float32, len(x))
		for i := range a {
			a[i] = float32(r.NormFloat64())
			if i%11 == 3 {
				a[i] = inf
			}
		}
		for _, slope := range []float32{0, 0.2} {
			got, intact := guarded(make([]float32, len(x)))
			want := make([]float32, len(x))
			Leaky(got, x, a, slope)
			leakyGo(want, x, a, slope)
			for i := range x {
				if ulps(got[i], want[i]) != 0 || math.Signbit(float64(got[i])) != math.Signbit(float64(want[i])) {
					t.Fatalf("leaky slope %v n=%d: [%d] x=%v a=%v: %v, want %v", slope, len(x), i, x[i], a[i], got[i], want[i])
				}
			}
			if !intact() {
				t.Fatalf("leaky n=%d: wrote past the end", len(x))
			}
		}
		if !intact() {
			t.Fatalf("relu n=%d: wrote past the end", len(x))
		}
	}
	for _, src := range kernelInputs(3) {
		got, intact := guarded(src)
		want := append([]float32(nil), src...)
		geluSlice(got)
		geluGo(want)
		for i, v := range src {
			// Both erfs are within 5e-7 of the truth, and 1 + erf cancels
			// for negative v, so the bound is on erf's absolute error.
			if !within(got[i], want[i], 4, 0.5*math.Abs(float64(v))*1e-6) {
				t.Fatalf("gelu n=%d: [%d] GELU(%v) = %v, want %v", len(src), i, v, got[i], want[i])
			}
		}
		if !intact() {
			t.Fatalf("gelu n=%d: wrote past the end", len(src))
		}
	}
}

// TestNormKernelsMatchGo holds the normalisation kernels to the portable
// ones: the float64 sums to their rounding, the gradient to the bit.
func TestNormKernelsMatchGo(t *testing.T) {
	r := rand.New(rand.NewSource(13))
	close := func(a, b float64, scale float64) bool { return math.Abs(a-b) <= 1e-12*scale }
	for _, x := range kernelInputs(3) {
		finite := true
		var scale, scaleSq float64
		for _, v := range x {
			finite = finite && !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) && math.Abs(float64(v)) < 1e18
			scale += math.Abs(float64(v))
			scaleSq += float64(v) * float64(v)
		}
		g := make([]float32, len(x))
		for i := range g {
			g[i] = float32(r.NormFloat64())
		}
		inv, shift := float32(0.7), float32(-0.2)
		dst, intact := guarded(make([]float32, len(x)))
		want := make([]float32, len(x))
		NormGrad(dst, g, x, inv, shift, 1.3, 0.1, -0.4)
		normGradGo(want, g, x, inv, shift, 1.3, 0.1, -0.4)
		for i := range x {
			if ulps(dst[i], want[i]) != 0 {
				t.Fatalf("norm gradient n=%d: [%d] x=%v: %v, want %v", len(x), i, x[i], dst[i], want[i])
			}
		}
		if !intact() {
			t.Fatalf("norm gradient n=%d: wrote past the end", len(x))
		}
		if !finite {
			continue
		}
		s, q := sumSq(x)
		ws, wq := sumSqGo(x)
		if !close(s, ws, scale+1) || !close(q, wq, scaleSq+1) {
			t.Fatalf("sumSq n=%d: %v, %v, want %v, %v", len(x), s, q, ws, wq)
		}
		s, sx := NormSums(g, x, inv, shift)
		ws, wsx := normSumsGo(g, x, inv, shift)
		if !close(s, ws, float64(len(x))*4+1) || !close(sx, wsx, 4*(scale+float64(len(x)))+1) {
			t.Fatalf("norm sums n=%d: %v, %v, want %v, %v", len(x), s, sx, ws, wsx)
		}
	}
}

func TestRowMaxAndExpSubSumMatchGo(t *testing.T) {
	for _, src := range kernelInputs(10) {
		row := append([]float32(nil), src...)
		// Rows with -Inf (masked attention) and, apart, with NaN.
		for i := 3; i < len(row); i += 7 {
			row[i] = -inf
		}
		hasNaN := false
		for _, v := range row {
			hasNaN = hasNaN || v != v
		}
		m := rowMax(row)
		if want := rowMaxGo(row); !hasNaN && m != want {
			t.Fatalf("rowMax n=%d = %v, want %v", len(row), m, want)
		}
		got, intact := guarded(row)
		want := append([]float32(nil), row...)
		s, ws := expSubSum(got, m), expSubSumGo(want, m)
		for i := range got {
			if ulps(got[i], want[i]) > 4 {
				t.Fatalf("expSubSum n=%d m=%v: [%d] exp(%v - m) = %v, want %v", len(row), m, i, row[i], got[i], want[i])
			}
		}
		if !within(s, ws, 16, 0) {
			t.Fatalf("expSubSum n=%d: sum %v, want %v", len(row), s, ws)
		}
		if !intact() {
			t.Fatalf("expSubSum n=%d: wrote past the end", len(row))
		}
	}
}

// TestActAccuracy checks the dispatched kernels against float64 math.
func TestActAccuracy(t *testing.T) {
	var xs []float32
	for x := float32(-87.3); x <= 0; x += 0.0137 {
		xs = append(xs, x)
	}
	es := append([]float32(nil), xs...)
	expSubSum(es, 0)
	for i, x := range xs {
		if want := math.Exp(float64(x)); math.Abs(float64(es[i])-want) > 4e-7*want {
			t.Fatalf("exp(%v) = %v, want %v", x, es[i], want)
		}
	}
	xs = xs[:0]
	for x := float32(-8); x < 8; x += 0.001 {
		xs = append(xs, x)
	}
	sw := make([]float32, len(xs))
	swishAffine(sw, xs, 1, 0)
	gs := append([]float32(nil), xs...)
	geluSlice(gs)
	for i, x := range xs {
		v := float64(x)
		if want := v / (1 + math.Exp(-v)); math.Abs(float64(sw[i])-want) > 4e-7*math.Abs(want) {
			t.Fatalf("swish(%v) = %v, want %v", x, sw[i], want)
		}
		want := 0.5 * v * (1 + math.Erf(v/math.Sqrt2))
		if d := math.Abs(float64(gs[i]) - want); d > 0.5*math.Abs(v)*5e-7+2.4e-7*math.Abs(want) {
			t.Fatalf("gelu(%v) = %v, want %v", x, gs[i], want)
		}
	}
}

func TestSoftmaxRows(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for n := 1; n <= 70; n++ {
		row := randData(r, n)
		for i := 0; i < n; i += 4 {
			row[i] *= 20
		}
		if n > 2 {
			row[n/2] = -inf
		}
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		want := make([]float64, n)
		var sum float64
		for i, v := range row {
			want[i] = math.Exp(float64(v) - m)
			sum += want[i]
		}
		Softmax(row)
		for i := range row {
			if d := math.Abs(float64(row[i]) - want[i]/sum); d > 1e-6*want[i]/sum+1e-12 {
				t.Fatalf("n=%d: softmax[%d] = %v, want %v", n, i, row[i], want[i]/sum)
			}
		}
		if n > 2 && row[n/2] != 0 {
			t.Fatalf("n=%d: -Inf got probability %v", n, row[n/2])
		}
		row[n-1] = nan
		Softmax(row)
		for i, v := range row {
			if v == v {
				t.Fatalf("n=%d: a NaN logit left softmax[%d] = %v", n, i, v)
			}
		}
	}
}

func TestActShortDstPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a short dst did not panic")
		}
	}()
	swishAffine(make([]float32, 9), make([]float32, 10), 1, 0)
}

func BenchmarkActivations(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	src := randData(r, 1<<14)
	dst := make([]float32, len(src))
	elems := func(b *testing.B) {
		b.SetBytes(int64(4 * len(src)))
	}
	b.Run("SwishAffine", func(b *testing.B) {
		elems(b)
		for b.Loop() {
			swishAffine(dst, src, 0.9, 0.1)
		}
	})
	b.Run("Affine", func(b *testing.B) {
		elems(b)
		for b.Loop() {
			affine(dst, src, 0.9, 0.1)
		}
	})
	b.Run("GELU", func(b *testing.B) {
		elems(b)
		for b.Loop() {
			copy(dst, src)
			geluSlice(dst)
		}
	})
	for _, n := range []int{37, 512, 1 << 14} {
		b.Run(fmt.Sprintf("Softmax%d", n), func(b *testing.B) {
			b.SetBytes(int64(4 * n))
			for b.Loop() {
				copy(dst[:n], src[:n])
				Softmax(dst[:n])
			}
		})
	}
}

func TestAddMatchesLoop(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 31, 100} {
		dst, src := make([]float32, n+3), make([]float32, n)
		want := make([]float32, n+3)
		for i := range src {
			src[i] = float32(i) * 0.5
		}
		for i := range dst {
			dst[i] = float32(3 * i)
			want[i] = dst[i]
		}
		for i, v := range src {
			want[i] += v
		}
		Add(dst, src)
		for i := range want {
			if dst[i] != want[i] {
				t.Fatalf("n=%d: dst[%d] = %v, want %v", n, i, dst[i], want[i])
			}
		}
	}
}
