package pack

// Transpose8 writes dst[p*dstride+r] = src[r*sstride+p] for the 8 rows r
// and the first n columns p of src, n a multiple of 8. It needs AVX, which
// every core running the engine's kernels has.
//
//go:noescape
func Transpose8(dst *float32, dstride int, src *float32, sstride, n int)
