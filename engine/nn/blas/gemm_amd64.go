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

// ownPacked is the engine's packed copy of a left operand, nil where the
// library runs the products.
type ownPacked = *avx512.PackedA

func packOwn(transA bool, m, k int, a []float32, lda int) ownPacked {
	if !avx512.Available {
		return nil
	}
	return avx512.PackA(transA, m, k, a, lda)
}

func releaseOwn(p ownPacked) {
	if p != nil {
		p.Release()
	}
}

func runOwn(p ownPacked, j0, n int, alpha float32, pack Packer, beta float32, c []float32, ldc int) {
	avx512.GemmPacked(p, n, alpha, func(dst []float32, p0, kc, jj, nc int) { pack(dst, p0, kc, j0+jj, nc, avx512.Width) }, beta, c, ldc)
}
