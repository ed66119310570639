package avx512

import (
	"testing"

	"tessera/engine/nn/blas/internal/gemmtest"
)

func TestGemmAcrossBlocks(t *testing.T) {
	if !Available {
		t.Skip("no AVX-512")
	}
	gemmtest.AcrossBlocks(t, Gemm, gemmtest.Blocks{MR: gemmMR, NR: gemmNR, KC: gemmKC, MC: gemmMC, NC: gemmNC})
}

func TestGemmWithoutProductOnlyScales(t *testing.T) {
	if !Available {
		t.Skip("no AVX-512")
	}
	gemmtest.WithoutProduct(t, Gemm)
}
