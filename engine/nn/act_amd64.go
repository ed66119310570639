//go:build !purego

package nn

import "golang.org/x/sys/cpu"

// actAVX2 selects the AVX2+FMA element-wise kernels in act_amd64.s, which
// take any length (the last partial vector through masked loads and stores).
var actAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func swishAffineAVX2(dst, src *float32, n int, scale, shift float32)

//go:noescape
func swishGradAVX2(dst, x, grad *float32, n int)

//go:noescape
func reluAVX2(xs *float32, n int)

//go:noescape
func leakyAVX2(dst, x, a *float32, n int, slope float32)

//go:noescape
func positiveAVX2(dst, x, a *float32, n int)

//go:noescape
func sumSqAVX2(xs *float32, n int) (s, q float64)

//go:noescape
func normSumsAVX2(grad, x *float32, n int, inv, shift float32) (s, sx float64)

//go:noescape
func normGradAVX2(dst, grad, x *float32, n int, inv, shift, gm, m1, m2 float32)

//go:noescape
func affineAVX2(dst, src *float32, n int, scale, shift float32)

//go:noescape
func geluAVX2(xs *float32, n int)

//go:noescape
func addAVX2(dst, src *float32, n int)

//go:noescape
func rowMaxAVX2(row *float32, n int) float32

//go:noescape
func expSubSumAVX2(row *float32, n int, m float32) float32

// The wrappers check lengths here, so a short dst panics instead of being
// overrun, and keep empty slices (no &s[0]) away from the assembly.

func swishAffine(dst, src []float32, scale, shift float32) {
	if !actAVX2 || len(src) == 0 {
		swishAffineGo(dst, src, scale, shift)
		return
	}
	swishAffineAVX2(&dst[:len(src)][0], &src[0], len(src), scale, shift)
}

func swishGrad(dst, x, g []float32) {
	if !actAVX2 || len(x) == 0 {
		swishGradGo(dst, x, g)
		return
	}
	swishGradAVX2(&dst[:len(x)][0], &x[0], &g[:len(x)][0], len(x))
}

func relu(xs []float32) {
	if !actAVX2 || len(xs) == 0 {
		reluGo(xs)
		return
	}
	reluAVX2(&xs[0], len(xs))
}

func leaky(dst, x, a []float32, slope float32) {
	switch {
	case !actAVX2 || len(x) == 0:
		leakyGo(dst, x, a, slope)
	case slope == 0:
		positiveAVX2(&dst[:len(x)][0], &x[0], &a[:len(x)][0], len(x))
	default:
		leakyAVX2(&dst[:len(x)][0], &x[0], &a[:len(x)][0], len(x), slope)
	}
}

func sumSq(xs []float32) (s, q float64) {
	if !actAVX2 || len(xs) == 0 {
		return sumSqGo(xs)
	}
	return sumSqAVX2(&xs[0], len(xs))
}

func normSums(g, x []float32, inv, shift float32) (s, sx float64) {
	if !actAVX2 || len(x) == 0 {
		return normSumsGo(g, x, inv, shift)
	}
	return normSumsAVX2(&g[:len(x)][0], &x[0], len(x), inv, shift)
}

func normGrad(dst, g, x []float32, inv, shift, gm, m1, m2 float32) {
	if !actAVX2 || len(x) == 0 {
		normGradGo(dst, g, x, inv, shift, gm, m1, m2)
		return
	}
	normGradAVX2(&dst[:len(x)][0], &g[:len(x)][0], &x[0], len(x), inv, shift, gm, m1, m2)
}

func addTo(dst, src []float32) {
	if !actAVX2 || len(src) == 0 {
		addGo(dst, src)
		return
	}
	addAVX2(&dst[:len(src)][0], &src[0], len(src))
}

func affine(dst, src []float32, scale, shift float32) {
	if !actAVX2 || len(src) == 0 {
		affineGo(dst, src, scale, shift)
		return
	}
	affineAVX2(&dst[:len(src)][0], &src[0], len(src), scale, shift)
}

func geluSlice(xs []float32) {
	if !actAVX2 || len(xs) == 0 {
		geluGo(xs)
		return
	}
	geluAVX2(&xs[0], len(xs))
}

// rowMax may skip a NaN where rowMaxGo returns it; Softmax does not care, as
// the NaN then makes the sum, and so every probability, NaN.
func rowMax(row []float32) float32 {
	if !actAVX2 || len(row) == 0 {
		return rowMaxGo(row)
	}
	return rowMaxAVX2(&row[0], len(row))
}

// expSubSum needs m at least every element of row: the assembly does not
// clamp large arguments.
func expSubSum(row []float32, m float32) float32 {
	if !actAVX2 || len(row) == 0 {
		return expSubSumGo(row, m)
	}
	return expSubSumAVX2(&row[0], len(row), m)
}
