package nn

import "tessera/engine/nn/blas"

// Linear is y = x·Wᵀ + b with W stored [Out, In], as torch stores it.
type Linear struct {
	Weight  []float32 // [Out, In]
	Bias    []float32 // [Out], or nil
	In, Out int
}

// Forward computes the layer for rows stacked rows of x ([rows, In]) into
// dst ([rows, Out]).
func (l *Linear) Forward(dst, x []float32, rows int) {
	if l.Bias != nil {
		for r := 0; r < rows; r++ {
			copy(dst[r*l.Out:(r+1)*l.Out], l.Bias)
		}
	}
	beta := float32(0)
	if l.Bias != nil {
		beta = 1
	}
	blas.Sgemm(false, true, rows, l.Out, l.In, 1, x, l.In, l.Weight, l.In, beta, dst, l.Out)
}
