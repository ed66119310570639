package blas

import (
	"math"
	"math/rand"
	"testing"
)

// naive is the textbook triple loop the optimised paths are checked against.
func naive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
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
				av, bv := a[ai], b[bi]
				s += float64(av) * float64(bv)
			}
			c[i*ldc+j] = alpha*float32(s) + beta*c[i*ldc+j]
		}
	}
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

func TestSgemmMatchesNaive(t *testing.T) {
	eachKernel(t, testSgemmMatchesNaive)
}

// testSgemmMatchesNaive covers tile remainders of both own kernels (6x16,
// 8x32), products large enough to split across cores, and strides past the
// operands' widths.
func testSgemmMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, tc := range []struct{ m, n, k int }{{1, 1, 1}, {7, 5, 3}, {64, 33, 17}, {3, 129, 70}, {13, 47, 300}, {130, 150, 61}} {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				lda, ldb := tc.k+2, tc.n+1
				if ta {
					lda = tc.m + 2
				}
				if tb {
					ldb = tc.k + 1
				}
				rowsA, rowsB := tc.m, tc.k
				if ta {
					rowsA = tc.k
				}
				if tb {
					rowsB = tc.n
				}
				a, b := randSlice(r, rowsA*lda), randSlice(r, rowsB*ldb)
				ldc := tc.n + 3
				c := randSlice(r, tc.m*ldc)
				want := append([]float32(nil), c...)
				naive(ta, tb, tc.m, tc.n, tc.k, 0.5, a, lda, b, ldb, 2, want, ldc)
				Sgemm(ta, tb, tc.m, tc.n, tc.k, 0.5, a, lda, b, ldb, 2, c, ldc)
				for i := range c {
					if math.Abs(float64(c[i]-want[i])) > 1e-4 {
						t.Fatalf("%v ta=%v tb=%v: c[%d]=%v want %v", tc, ta, tb, i, c[i], want[i])
					}
				}
			}
		}
	}
}

func TestSgemmRejectsShortOperand(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a short B operand was accepted")
		}
	}()
	Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 3), 2, 0, make([]float32, 4), 2)
}

func BenchmarkSgemm1024(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	const n = 1024
	x, y, z := randSlice(r, n*n), randSlice(r, n*n), make([]float32, n*n)
	b.SetBytes(0)
	for i := 0; i < b.N; i++ {
		Sgemm(false, false, n, n, n, 1, x, n, y, n, 0, z, n)
	}
	b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
}
