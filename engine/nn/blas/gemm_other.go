//go:build !amd64 || purego

package blas

func serialGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemmSerial(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func ownKernels() string { return "" }

// ownPacked stands for the engine's packed operands, which this build has
// none of.
type ownPacked = *struct{}

func packOwn(bool, int, int, []float32, int) ownPacked { return nil }

func releaseOwn(ownPacked) {}

func runOwn(ownPacked, int, int, float32, Packer, float32, []float32, int) {
	panic("blas: no own kernels in this build")
}
