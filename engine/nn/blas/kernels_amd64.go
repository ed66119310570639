package blas

import (
	"tessera/engine/nn/blas/internal/avx2"
	"tessera/engine/nn/blas/internal/avx512"
)

// ownKernels lists the own kernels this CPU runs, fastest first.
func ownKernels() []*ownKernel {
	var ks []*ownKernel
	if avx512.Available {
		ks = append(ks, &ownKernel{key: "avx512", name: "Tessera AVX-512 kernels", width: avx512.Width, gemm: avx512.Gemm,
			packA: func(transA bool, m, k int, a []float32, lda int) ownPacked { return avx512.PackA(transA, m, k, a, lda) }})
	}
	if avx2.Available {
		ks = append(ks, &ownKernel{key: "avx2", name: "Tessera AVX2+FMA kernels", width: avx2.Width, gemm: avx2.Gemm,
			packA: func(transA bool, m, k int, a []float32, lda int) ownPacked { return avx2.PackA(transA, m, k, a, lda) }})
	}
	if avx2.Available {
		for _, k := range ks {
			k.rows, k.fewRows = avx2.GemmRows, avx2.FewRows
		}
	}
	return ks
}
