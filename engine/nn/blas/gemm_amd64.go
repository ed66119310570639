//go:build !purego

package blas

import "tessera/engine/nn/blas/internal/avx512"

func serialGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if avx512.Available {
		avx512.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	sgemmSerial(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// ownKernels names the engine's kernels when they replace the library's.
func ownKernels() string {
	if avx512.Available {
		return "Tessera AVX-512 kernels"
	}
	return ""
}
