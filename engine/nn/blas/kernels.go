package blas

import (
	"fmt"
	"os"
)

// kernelsEnv names the environment variable that forces a product
// implementation, read once at start: avx512 or avx2 (the engine's own
// kernels, where the CPU runs them) or blas (the library's). Unset, the
// fastest own kernel the CPU runs is used, else the library.
const kernelsEnv = "TESSERA_KERNELS"

// ownKernel is one of the engine's own product kernels.
type ownKernel struct {
	key   string // its kernelsEnv value
	name  string // for Name
	width int    // of the panels of B it multiplies (see Packer)
	gemm  func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	packA func(transA bool, m, k int, a []float32, lda int) ownPacked
	// rows is the product for fewer than fewRows rows of a plain A, which
	// streams B instead of packing it; nil if none.
	rows    func(transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	fewRows int
}

// ownPacked is a left operand packed by an own kernel.
type ownPacked interface {
	Release()
	Product(n int, alpha float32, fill func(dst []float32, p0, kc, j0, nc int), beta float32, c []float32, ldc int)
}

// own is the kernel in use, nil where the library runs the products;
// kernelNote says why a forced choice was not taken.
var own, kernelNote = chooseKernel(os.Getenv(kernelsEnv))

// chooseKernel picks the kernel env asks for, or by default the first of
// ownKernels (the fastest this CPU runs).
func chooseKernel(env string) (*ownKernel, string) {
	kernels := ownKernels()
	var fallback *ownKernel
	if len(kernels) > 0 {
		fallback = kernels[0]
	}
	switch env {
	case "":
		return fallback, ""
	case "blas":
		return nil, ""
	}
	for _, k := range kernels {
		if k.key == env {
			return k, ""
		}
	}
	switch env {
	case "avx512", "avx2":
		return fallback, fmt.Sprintf("%s=%s ignored: this CPU or build lacks it", kernelsEnv, env)
	}
	return fallback, fmt.Sprintf("%s=%q ignored: want avx512, avx2 or blas", kernelsEnv, env)
}

// Kernels names the engine's own kernels in use ("Tessera AVX2+FMA
// kernels"), or is empty where the library runs the products.
func Kernels() string {
	if own == nil {
		return ""
	}
	return own.name
}
