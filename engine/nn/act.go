package nn

import "math"

// Swish is x*sigmoid(x), the VQGAN's nonlinearity.
func Swish(x float32) float32 {
	return x / (1 + Exp32(-x))
}

// GELU applies the exact (erf) GELU in place, as torch.nn.GELU() does by default.
func GELU(xs []float32) {
	For(len(xs), 1<<12, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			v := float64(xs[i])
			xs[i] = float32(0.5 * v * (1 + math.Erf(v/math.Sqrt2)))
		}
	})
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
	m := float32(math.Inf(-1))
	for _, v := range row {
		m = max(m, v)
	}
	var s float32
	for i, v := range row {
		e := Exp32(v - m)
		row[i] = e
		s += e
	}
	inv := 1 / s
	for i := range row {
		row[i] *= inv
	}
}
