//go:build !amd64 || purego

package nn

func swishAffine(dst, src []float32, scale, shift float32) { swishAffineGo(dst, src, scale, shift) }

func affine(dst, src []float32, scale, shift float32) { affineGo(dst, src, scale, shift) }

func geluSlice(xs []float32) { geluGo(xs) }

func rowMax(row []float32) float32 { return rowMaxGo(row) }

func expSubSum(row []float32, m float32) float32 { return expSubSumGo(row, m) }

func addTo(dst, src []float32) { addGo(dst, src) }

func swishGrad(dst, x, g []float32) { swishGradGo(dst, x, g) }

func relu(xs []float32) { reluGo(xs) }

func leaky(dst, x, a []float32, slope float32) { leakyGo(dst, x, a, slope) }

func sumSq(xs []float32) (s, q float64) { return sumSqGo(xs) }

func normSums(g, x []float32, inv, shift float32) (s, sx float64) {
	return normSumsGo(g, x, inv, shift)
}

func normGrad(dst, g, x []float32, inv, shift, gm, m1, m2 float32) {
	normGradGo(dst, g, x, inv, shift, gm, m1, m2)
}
