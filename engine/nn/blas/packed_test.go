package blas

import (
	"math"
	"math/rand"
	"testing"
)

// matrixPacker packs blocks of a row-major k x n matrix b, as a Packer must.
func matrixPacker(b []float32, n int) Packer {
	return func(dst []float32, p0, kc, j0, nc, w int) {
		for q := 0; q*w < nc; q++ {
			panel := dst[q*kc*w : (q+1)*kc*w]
			cols := min(w, nc-q*w)
			for p := 0; p < kc; p++ {
				row := panel[p*w : (p+1)*w]
				copy(row, b[(p0+p)*n+j0+q*w:][:cols])
				clear(row[cols:])
			}
		}
	}
}

// TestSgemmPackedMatchesSgemm runs products through PackA and a Packer, on
// the engine's kernels where they run and on the library's, against Sgemm.
func TestSgemmPackedMatchesSgemm(t *testing.T) {
	eachKernel(t, testSgemmPackedMatchesSgemm)
}

func testSgemmPackedMatchesSgemm(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	for _, tc := range []struct{ m, n, k int }{{1, 1, 1}, {7, 33, 5}, {64, 100, 300}, {13, 2500, 40}, {130, 70, 513}} {
		for _, ta := range []bool{false, true} {
			lda := tc.k + 1
			if ta {
				lda = tc.m + 2
			}
			rowsA := tc.m
			if ta {
				rowsA = tc.k
			}
			a, b := randSlice(r, rowsA*lda), randSlice(r, tc.k*tc.n)
			ldc := tc.n + 3
			c0 := randSlice(r, tc.m*ldc)
			want := append([]float32(nil), c0...)
			Sgemm(ta, false, tc.m, tc.n, tc.k, 0.5, a, lda, b, tc.n, 1, want, ldc)
			for _, own := range []bool{true, false} {
				pa := PackA(ta, tc.m, tc.k, a, lda)
				if !own {
					pa.Release()
					pa.own = nil
				}
				got := append([]float32(nil), c0...)
				SgemmPacked(pa, tc.n, 0.5, matrixPacker(b, tc.n), 1, got, ldc)
				pa.Release()
				for i := range got {
					if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*float64(tc.k) {
						t.Fatalf("%+v transA=%v own=%v: C[%d] = %v, Sgemm %v", tc, ta, own, i, got[i], want[i])
					}
				}
			}
		}
	}
}
