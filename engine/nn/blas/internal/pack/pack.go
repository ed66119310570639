package pack

// TransposeTail writes dst[p*dstride+r] = src[r*sstride+p] for the rows r <
// rows and the columns p in [from, to) that Transpose8 left.
func TransposeTail(dst []float32, dstride int, src []float32, sstride, rows, from, to int) {
	for r := 0; r < rows; r++ {
		row := src[r*sstride:]
		for p := from; p < to; p++ {
			dst[p*dstride+r] = row[p]
		}
	}
}

// ScaleC is a product without a product term (alpha or k zero): C =
// beta*C, and a zero beta clears C whatever it held, as BLAS defines it.
func ScaleC(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
