package nn

import (
	"fmt"
	"math"
)

// Swish is x*sigmoid(x), the VQGAN's nonlinearity.
func Swish(x float32) float32 {
	return x / (1 + Exp32(-x))
}

// SwishSlice writes Swish(v) for each v of src into dst, on one core (the
// kernel for loops already split across cores).
func SwishSlice(dst, src []float32) {
	if len(dst) < len(src) {
		panic(fmt.Sprintf("nn: swish of %d elements into %d", len(src), len(dst)))
	}
	swishAffine(dst, src, 1, 0)
}

// SwishBackward writes into dst the gradient of x*sigmoid(x) at each x
// given the output gradient g, as autograd forms it through that product:
// g*s + (g*x)*(1-s)*s with s = sigmoid(x). One core.
func SwishBackward(dst, x, g []float32) {
	if len(dst) < len(x) || len(g) < len(x) {
		panic(fmt.Sprintf("nn: swish gradient of %d elements with %d gradients into %d", len(x), len(g), len(dst)))
	}
	swishGrad(dst, x, g)
}

// ReLU clamps the negative elements of xs to zero in place (a NaN stays),
// on one core.
func ReLU(xs []float32) { relu(xs) }

// Leaky writes a[i] into dst where x[i] > 0 and a[i]*slope elsewhere (+0
// for slope 0, whatever a[i] is), on one core: a leaky ReLU's forward pass
// with a = x, its backward pass with a the output gradient, and with slope
// 0 a ReLU's backward pass (x the ReLU's output).
func Leaky(dst, x, a []float32, slope float32) {
	if len(dst) < len(x) || len(a) < len(x) {
		panic(fmt.Sprintf("nn: leaky select of %d elements from %d into %d", len(x), len(a), len(dst)))
	}
	leaky(dst, x, a, slope)
}

// NormSums returns, over one plane of a normalisation's backward pass, the
// sums of g and of g*xhat with xhat = x*inv + shift (in float32, as the
// forward pass normalised), in float64. One core.
func NormSums(g, x []float32, inv, shift float32) (s, sx float64) {
	if len(g) < len(x) {
		panic(fmt.Sprintf("nn: norm sums of %d gradients for %d inputs", len(g), len(x)))
	}
	return normSums(g, x, inv, shift)
}

// NormGrad writes a normalisation's input gradient over one plane,
// inv * (gm*g - m1 - xhat*m2) with xhat = x*inv + shift, in that order of
// float32 operations. One core.
func NormGrad(dst, g, x []float32, inv, shift, gm, m1, m2 float32) {
	if len(dst) < len(x) || len(g) < len(x) {
		panic(fmt.Sprintf("nn: norm gradient of %d inputs with %d gradients into %d", len(x), len(g), len(dst)))
	}
	normGrad(dst, g, x, inv, shift, gm, m1, m2)
}

// GELU applies the erf GELU in place, as torch.nn.GELU() does by default
// (not the tanh approximation).
func GELU(xs []float32) {
	For(len(xs), 1<<12, func(lo, hi int) { geluSlice(xs[lo:hi]) })
}

// Erf32 is erf to within 5e-7 absolute (Abramowitz & Stegun 7.1.26, whose
// 1.5e-7 bound grows a little in float32 arithmetic), far
// cheaper than math.Erf and well inside float32 activation tolerances.
func Erf32(x float32) float32 {
	sign := float32(1)
	if x < 0 {
		sign, x = -1, -x
	}
	t := 1 / (1 + 0.3275911*x)
	poly := t * (0.254829592 + t*(-0.284496736+t*(1.421413741+t*(-1.453152027+t*1.061405429))))
	return sign * (1 - poly*Exp32(-x*x))
}

// SoftmaxRows replaces each row of a [rows, n] matrix with its softmax.
// Entries equal to -Inf get probability 0.
func SoftmaxRows(xs []float32, n int) {
	For(len(xs)/n, 8, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			Softmax(xs[r*n : (r+1)*n])
		}
	})
}

// Softmax replaces row with its softmax, computed stably.
func Softmax(row []float32) {
	s := expSubSum(row, rowMax(row))
	affine(row, row, 1/s, 0)
}

// The slice kernels below are the portable versions of the ones in
// act_amd64.s and the reference the tests hold those to. The dispatchers
// (swishAffine, affine, geluSlice, rowMax, expSubSum) pick one or the other.

// swishAffineGo writes Swish(v*scale + shift) for each v of src into dst.
func swishAffineGo(dst, src []float32, scale, shift float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = Swish(v*scale + shift)
	}
}

// sumSqGo returns the sum and the sum of squares of xs in float64, in two
// interleaved halves.
func sumSqGo(xs []float32) (s, q float64) {
	var s0, s1, q0, q1 float64
	i := 0
	for ; i+1 < len(xs); i += 2 {
		a, b := float64(xs[i]), float64(xs[i+1])
		s0, s1 = s0+a, s1+b
		q0, q1 = q0+a*a, q1+b*b
	}
	if i < len(xs) {
		a := float64(xs[i])
		s0, q0 = s0+a, q0+a*a
	}
	return s0 + s1, q0 + q1
}

// normSumsGo is NormSums' portable kernel.
func normSumsGo(g, x []float32, inv, shift float32) (s, sx float64) {
	g = g[:len(x)]
	for i, v := range x {
		xh := v*inv + shift
		s += float64(g[i])
		sx += float64(g[i]) * float64(xh)
	}
	return s, sx
}

// normGradGo is NormGrad's portable kernel.
func normGradGo(dst, g, x []float32, inv, shift, gm, m1, m2 float32) {
	dst, g = dst[:len(x)], g[:len(x)]
	for i, v := range x {
		xh := v*inv + shift
		dst[i] = inv * (gm*g[i] - m1 - xh*m2)
	}
}

// reluGo is ReLU's portable kernel.
func reluGo(xs []float32) {
	for i, v := range xs {
		if v < 0 {
			xs[i] = 0
		}
	}
}

// leakyGo is Leaky's portable kernel.
func leakyGo(dst, x, a []float32, slope float32) {
	dst, a = dst[:len(x)], a[:len(x)]
	for i, v := range x {
		switch {
		case v > 0:
			dst[i] = a[i]
		case slope == 0:
			dst[i] = 0
		default:
			dst[i] = a[i] * slope
		}
	}
}

// swishGradGo is SwishBackward's portable kernel.
func swishGradGo(dst, x, g []float32) {
	dst, g = dst[:len(x)], g[:len(x)]
	for i, v := range x {
		s := 1 / (1 + Exp32(-v))
		dst[i] = g[i]*s + g[i]*v*(1-s)*s
	}
}

// Add adds src to dst element by element, on one core: the kernel for
// inner loops that are already split across cores.
func Add(dst, src []float32) {
	if len(dst) < len(src) {
		panic(fmt.Sprintf("nn: add of %d elements into %d", len(src), len(dst)))
	}
	addTo(dst, src)
}

func addGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}

// affineGo writes v*scale + shift for each v of src into dst.
func affineGo(dst, src []float32, scale, shift float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = v*scale + shift
	}
}

// geluGo applies the GELU to xs in place.
func geluGo(xs []float32) {
	for i, v := range xs {
		xs[i] = 0.5 * v * (1 + Erf32(v*(1/math.Sqrt2)))
	}
}

// rowMaxGo returns the largest element of row, -Inf for an empty row.
func rowMaxGo(row []float32) float32 {
	m := float32(math.Inf(-1))
	for _, v := range row {
		m = max(m, v)
	}
	return m
}

// expSubSumGo replaces each v of row with exp(v - m) and returns their sum.
func expSubSumGo(row []float32, m float32) float32 {
	var s float32
	for i, v := range row {
		e := Exp32(v - m)
		row[i] = e
		s += e
	}
	return s
}
