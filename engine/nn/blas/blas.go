// Package blas is the single-precision matrix product that every heavy layer
// in the engine funnels through. On x86-64 cores with AVX2+FMA or AVX-512 the
// engine's own assembly kernels run the products (see kernelsEnv); elsewhere
// the default build calls OpenBLAS through cgo, and building with
// CGO_ENABLED=0 or -tags purego uses a pure-Go implementation (gonum).
package blas

import (
	"fmt"
	"runtime"
	"sync"
)

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices, where
// op(A) is m×k, op(B) is k×n and C is m×n. lda, ldb and ldc are the row
// strides of A, B and C as stored (before transposition).
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	checkOperand("A", transA, m, k, a, lda)
	checkOperand("B", transB, k, n, b, ldb)
	checkOperand("C", false, m, n, c, ldc)
	sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Name describes the implementation in use, for status bars and reports.
func Name() string {
	name := libraryName()
	if own != nil {
		name += "; products on " + own.name
	}
	if kernelNote != "" {
		name += " (" + kernelNote + ")"
	}
	return name
}

// serialGemm is the product on one core, on the kernel in use.
func serialGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if own != nil {
		own.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	sgemmSerial(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// minSplitFlops is the size below which a product runs on one core: smaller
// ones finish before extra goroutines would pay for themselves.
const minSplitFlops = 1 << 21

// sgemm splits C into column (or row) blocks, one per core, and runs the
// serial kernel on each block concurrently.
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	workers := runtime.GOMAXPROCS(0)
	serial, splitFrom := serialGemm, 2*m*n*k
	if own != nil && own.rows != nil && !transA && m < own.fewRows {
		// A decoding step's rows times a weight matrix is bound by reading
		// the weights: worth splitting once they are large.
		serial, splitFrom = rowsGemm, 8*n*k
	}
	if workers == 1 || splitFrom < minSplitFlops {
		serial(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	var wg sync.WaitGroup
	if n >= m {
		step := (n + workers - 1) / workers
		for j := 0; j < n; j += step {
			w := min(step, n-j)
			bOff := j // column j of op(B)
			if transB {
				bOff = j * ldb
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				serial(transA, transB, m, w, k, alpha, a, lda, b[bOff:], ldb, beta, c[j:], ldc)
			}()
		}
	} else {
		step := (m + workers - 1) / workers
		for i := 0; i < m; i += step {
			h := min(step, m-i)
			aOff := i * lda // row i of op(A)
			if transA {
				aOff = i
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				serial(transA, transB, h, n, k, alpha, a[aOff:], lda, b, ldb, beta, c[i*ldc:], ldc)
			}()
		}
	}
	wg.Wait()
}

// rowsGemm is serialGemm for the own kernel's few-rows product (A plain).
func rowsGemm(_, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	own.rows(transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// checkOperand guards the C call: a short slice would otherwise be read or
// written out of bounds silently.
func checkOperand(name string, trans bool, rows, cols int, s []float32, ld int) {
	if trans {
		rows, cols = cols, rows
	}
	if rows == 0 || cols == 0 {
		return
	}
	if ld < cols || len(s) < (rows-1)*ld+cols {
		panic(fmt.Sprintf("blas: operand %s: %dx%d with stride %d needs %d elements, has %d", name, rows, cols, ld, (rows-1)*ld+cols, len(s)))
	}
}
