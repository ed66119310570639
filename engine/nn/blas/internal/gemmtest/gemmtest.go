// Package gemmtest checks an engine product kernel against a float64
// reference, on shapes placed around the kernel's own blocking.
package gemmtest

import (
	"math"
	"math/rand"
	"testing"
)

// reference is C = alpha*op(A)*op(B) + beta*C in float64, C ignored when
// beta is 0.
func reference(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float64 {
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				ai, bi := i*lda+p, p*ldb+j
				if transA {
					ai = p*lda + i
				}
				if transB {
					bi = j*ldb + p
				}
				s += float64(a[ai]) * float64(b[bi])
			}
			s *= float64(alpha)
			if beta != 0 {
				s += float64(beta) * float64(c[i*ldc+j])
			}
			out[i*n+j] = s
		}
	}
	return out
}

func random(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

// Gemm is a product as blas.Sgemm defines it, on one core.
type Gemm func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// Blocks is a kernel's blocking: its register tile (MR x NR) and the
// packed blocks of A (MC x KC) and B (KC x NC).
type Blocks struct{ MR, NR, KC, MC, NC int }

// AcrossBlocks checks every transposition on shapes that cross the
// packing blocks (mc, nc, kc), leave partial register panels in both
// directions and odd transpose tails, with strided operands (lda > k).
func AcrossBlocks(t *testing.T, gemm Gemm, bl Blocks) {
	t.Helper()
	r := rand.New(rand.NewSource(3))
	for _, tc := range []struct {
		m, n, k     int
		alpha, beta float32
	}{
		{bl.MC + 13, 40, bl.KC + 21, 1, 0},
		{11, bl.NC + 45, 30, 1, 1},
		{bl.MR + 3, bl.NR + 17, 2*bl.KC + 7, 0.5, 1},
		{2*bl.MR - 1, 2*bl.NR + 1, 3, 1, -0.5},
		{5, 7, 9, -1, 2},
		{1, 1, 1, 1, 0.25},
		{16, 64, 8, 1, 1},
	} {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				lda, ldb, ldc := tc.k+3, tc.n+5, tc.n+2
				rowsA, rowsB := tc.m, tc.k
				if ta {
					lda, rowsA = tc.m+1, tc.k
				}
				if tb {
					ldb, rowsB = tc.k+4, tc.n
				}
				a, b, c := random(r, rowsA*lda), random(r, rowsB*ldb), random(r, tc.m*ldc)
				for i := range c {
					switch {
					case i%ldc >= tc.n:
						c[i] = 7 // padding between rows, which must stay
					case tc.beta == 0:
						c[i] = float32(math.NaN()) // beta 0 must not read C
					}
				}
				want := reference(ta, tb, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
				gemm(ta, tb, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
				tol := 1e-5 * float64(tc.k)
				for i := 0; i < tc.m; i++ {
					for j := 0; j < tc.n; j++ {
						if got := float64(c[i*ldc+j]); !(math.Abs(got-want[i*tc.n+j]) <= tol) {
							t.Fatalf("%dx%dx%d transA=%v transB=%v: C[%d][%d] = %v, want %v", tc.m, tc.n, tc.k, ta, tb, i, j, got, want[i*tc.n+j])
						}
					}
				}
				for i, v := range c {
					if i%ldc >= tc.n && v != 7 {
						t.Fatalf("%dx%dx%d transA=%v transB=%v: padding C[%d] overwritten with %v", tc.m, tc.n, tc.k, ta, tb, i, v)
					}
				}
			}
		}
	}
}

// WithoutProduct checks that alpha 0 only scales C, reading neither
// operand, and that k 0 with beta 0 clears it.
func WithoutProduct(t *testing.T, gemm Gemm) {
	t.Helper()
	nan := float32(math.NaN())
	c := []float32{1, 2, 3, 4}
	gemm(false, false, 2, 2, 3, 0, []float32{nan, nan, nan, nan, nan, nan}, 3, []float32{nan, nan, nan, nan, nan, nan}, 2, 2, c, 2)
	for i, want := range []float32{2, 4, 6, 8} {
		if c[i] != want {
			t.Fatalf("alpha 0: C = %v, want beta*C", c)
		}
	}
	gemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, 0, c, 2)
	for _, v := range c {
		if v != 0 {
			t.Fatalf("k 0, beta 0: C = %v, want zeros", c)
		}
	}
}
