package avx2

import "tessera/engine/nn/blas/internal/pack"

//go:noescape
func dot4(k int, a, b *float32, ldb int, acc *float32)

//go:noescape
func dot4x2(k int, a *float32, lda int, b *float32, ldb int, acc *float32)

//go:noescape
func dot1(k int, a, b *float32, acc *float32)

//go:noescape
func axpy(n int, s float32, x, y *float32)

// FewRows is how many rows of A GemmRows is for: below it, packing B (a
// weight matrix, afresh for each call) costs more than the product (with
// 8 rows, packing took a third of a decoding step and the product a fifth).
const FewRows = 16

// GemmRows is C = alpha*A*op(B) + beta*C for a few rows of A (m x k, rows
// lda apart), without packing B, which is read once: B stored [n, k] when
// transB (a linear layer's weights during a transformer's decoding step;
// four rows of B at a time, multiplied with every row of A, two by two,
// while in L1),
// else [k, n] (attention's values; each row of B added, scaled, to every
// row of C). It needs Available; its sums run in another order than Gemm's.
func GemmRows(transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if alpha == 0 || k == 0 {
		pack.ScaleC(m, n, beta, c, ldc)
		return
	}
	if !transB {
		addRows(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	kv := k &^ 7
	for j := 0; j < n; j += 4 {
		cols := min(4, n-j)
		for i := 0; i < m; i += 2 {
			pair := min(2, m-i) // rows of A taken together
			var sums [2][4]float32
			from := 0
			if kv > 0 {
				_ = b[(j+cols-1)*ldb+kv-1] // the last values the kernels read
				_ = a[(i+pair-1)*lda+kv-1]
				switch {
				case cols < 4: // every column summed as dot4 sums it
					for r := 0; r < pair; r++ {
						for q := 0; q < cols; q++ {
							dot1(kv, &a[(i+r)*lda], &b[(j+q)*ldb], &sums[r][q])
						}
					}
				case pair == 2:
					dot4x2(kv, &a[i*lda], lda, &b[j*ldb], ldb, &sums[0][0])
				default:
					dot4(kv, &a[i*lda], &b[j*ldb], ldb, &sums[0][0])
				}
				from = kv
			}
			for r := 0; r < pair; r++ {
				ar := a[(i+r)*lda : (i+r)*lda+k]
				for q := 0; q < cols; q++ {
					br := b[(j+q)*ldb : (j+q)*ldb+k]
					for p := from; p < k; p++ {
						sums[r][q] += ar[p] * br[p]
					}
				}
				row := c[(i+r)*ldc+j : (i+r)*ldc+j+cols]
				for q := range row {
					if beta == 0 {
						row[q] = alpha * sums[r][q]
					} else {
						row[q] = alpha*sums[r][q] + beta*row[q]
					}
				}
			}
		}
	}
}

// addRows is GemmRows for B stored [k, n]: C's rows take alpha*A[i][p]
// times row p of B, for p in order.
func addRows(m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	pack.ScaleC(m, n, beta, c, ldc)
	nv := n &^ 7
	for p := 0; p < k; p++ {
		br := b[p*ldb : p*ldb+n]
		for i := 0; i < m; i++ {
			s := alpha * a[i*lda+p]
			cr := c[i*ldc : i*ldc+n]
			if nv > 0 {
				axpy(nv, s, &br[0], &cr[0])
			}
			for j := nv; j < n; j++ {
				cr[j] += s * br[j]
			}
		}
	}
}
