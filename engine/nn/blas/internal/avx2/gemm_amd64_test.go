package avx2

import (
	"testing"

	"tessera/engine/nn/blas/internal/gemmtest"
)

func TestGemmAcrossBlocks(t *testing.T) {
	if !Available {
		t.Skip("no AVX2+FMA")
	}
	gemmtest.AcrossBlocks(t, Gemm, gemmtest.Blocks{MR: gemmMR, NR: gemmNR, KC: gemmKC, MC: gemmMC, NC: gemmNC})
}

func TestGemmWithoutProductOnlyScales(t *testing.T) {
	if !Available {
		t.Skip("no AVX2+FMA")
	}
	gemmtest.WithoutProduct(t, Gemm)
}

// GemmRows against the reference: every row count it is for, both
// layouts of B, n and k with remainders of its 4 rows and 8 lanes, strides
// past the widths.
func TestGemmRowsMatchesReference(t *testing.T) {
	if !Available {
		t.Skip("no AVX2+FMA")
	}
	rows := func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		if transA || m >= FewRows {
			Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			return
		}
		GemmRows(transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
	gemmtest.AcrossBlocks(t, rows, gemmtest.Blocks{MR: 1, NR: 4, KC: 8, MC: FewRows - 1, NC: 4})
	gemmtest.WithoutProduct(t, func(_, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		GemmRows(transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	})
}

// A column of GemmRows's product has the same bits wherever it falls among
// its groups of four (attention in blocks relies on it).
func TestGemmRowsColumnsDoNotDependOnTheirGroup(t *testing.T) {
	if !Available {
		t.Skip("no AVX2+FMA")
	}
	const m, k = 3, 37
	a, b := make([]float32, m*k), make([]float32, 8*k)
	for i := range a {
		a[i] = float32(i%13) - 6.5
	}
	for i := range b {
		b[i] = float32(i%11)/3 - 1.7
	}
	whole, part := make([]float32, m*8), make([]float32, m*2)
	GemmRows(true, m, 8, k, 1, a, k, b, k, 0, whole, 8)
	GemmRows(true, m, 2, k, 1, a, k, b[5*k:], k, 0, part, 2) // columns 5 and 6 of whole
	for i := 0; i < m; i++ {
		for j := 0; j < 2; j++ {
			if part[i*2+j] != whole[i*8+5+j] {
				t.Fatalf("C[%d][%d] = %v alone, %v in a group of four", i, 5+j, part[i*2+j], whole[i*8+5+j])
			}
		}
	}
}
