package avx512

import (
	"math/bits"
	"runtime"
	"sync"

	"golang.org/x/sys/cpu"

	"tessera/engine/nn/blas/internal/pack"
)

// Available tells whether this CPU (and its operating system) runs the
// AVX-512 instructions Gemm needs.
var Available = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512VL

//go:noescape
func kernel8x32(kc int, a, b, c *float32, ldc int, alpha, beta float32, accumulate, rows, mask0, mask1 int)

// Blocking of the packed product, after BLIS: a kc x 32 panel of B (32 KiB)
// stays in L1 while the 8-row panels of an mc x kc block of A (128 KiB, L2)
// stream past it; a kc x nc block of B sits in L3.
const (
	gemmMR = 8
	gemmNR = 32
	gemmKC = 256
	gemmMC = 128
	gemmNC = 2048
)

// Width is the number of columns in a panel of B (see Packer).
const Width = gemmNR

// bPool holds the kc x nc blocks of packed B, one per running product.
var bPool = sync.Pool{New: func() any {
	b := make([]float32, gemmNC*gemmKC)
	return &b
}}

// aPools hold PackedA buffers by power-of-two capacity: their sizes vary
// with the operand.
var aPools [64]sync.Pool

// PackedA is a left operand op(A), m x k, packed once for any number of
// products: for each block of gemmKC columns, the 8-row panels of every row
// (rows past m zero), each column of a panel 8 consecutive values.
type PackedA struct {
	m, k, rows int // rows: m rounded up to whole panels
	buf        *[]float32
	class      int // of buf's capacity, in aPools
}

// PackA packs op(A) (a [m, k] matrix, or its transpose stored [k, m]),
// large operands (a convolution's weights) on every core.
func PackA(transA bool, m, k int, a []float32, lda int) *PackedA {
	return packed(transA, m, k, a, lda, true)
}

func packed(transA bool, m, k int, a []float32, lda int, parallel bool) *PackedA {
	rows := (m + gemmMR - 1) / gemmMR * gemmMR
	class := bits.Len(uint(rows*k - 1))
	buf, _ := aPools[class].Get().(*[]float32)
	if buf == nil {
		b := make([]float32, 1<<class)
		buf = &b
	}
	dst := (*buf)[:rows*k]
	pack := func(b0, b1 int) {
		for pc := b0 * gemmKC; pc < min(k, b1*gemmKC); pc += gemmKC {
			packA(dst[pc*rows:], transA, a, lda, 0, m, pc, min(gemmKC, k-pc))
		}
	}
	blocks := (k + gemmKC - 1) / gemmKC
	workers := min(runtime.GOMAXPROCS(0), blocks)
	if !parallel || rows*k < 1<<16 || workers < 2 {
		pack(0, blocks)
	} else {
		var wg sync.WaitGroup
		step := (blocks + workers - 1) / workers
		for b := 0; b < blocks; b += step {
			wg.Add(1)
			go func() {
				defer wg.Done()
				pack(b, min(blocks, b+step))
			}()
		}
		wg.Wait()
	}
	return &PackedA{m: m, k: k, rows: rows, buf: buf, class: class}
}

// Release gives p's memory back for reuse; p must not be used afterwards.
func (p *PackedA) Release() {
	aPools[p.class].Put(p.buf)
	p.buf = nil
}

// A Packer writes rows [p0, p0+kc) and columns [j0, j0+nc) of a product's
// right operand into dst as panels of Width columns: panel q holds columns
// j0+q*Width onwards as kc rows of Width values, and the columns of the last
// panel past nc are zero.
type Packer = func(dst []float32, p0, kc, j0, nc int)

// Gemm is blas.Sgemm's product on one core, for operands the caller has
// checked: C = alpha*op(A)*op(B) + beta*C, with op(A) and op(B) packed block
// by block into the panels kernel8x32 reads. It needs Available.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if alpha == 0 || k == 0 {
		pack.ScaleC(m, n, beta, c, ldc)
		return
	}
	// blas.Sgemm already runs one Gemm per core.
	pa := packed(transA, m, k, a, lda, false)
	defer pa.Release()
	pa.Product(n, alpha, func(dst []float32, p0, kc, j0, nc int) { packB(dst, transB, b, ldb, p0, kc, j0, nc) }, beta, c, ldc)
}

// Product is Gemm with A packed by PackA and B written by fill: C (m x n
// for pa's m) = alpha*A*B + beta*C, on one core.
func (pa *PackedA) Product(n int, alpha float32, fill Packer, beta float32, c []float32, ldc int) {
	m, k := pa.m, pa.k
	if alpha == 0 || k == 0 {
		pack.ScaleC(m, n, beta, c, ldc)
		return
	}
	ap := *pa.buf
	bufp := bPool.Get().(*[]float32)
	defer bPool.Put(bufp)
	bp := *bufp
	for jc := 0; jc < n; jc += gemmNC {
		nc := min(gemmNC, n-jc)
		for pc := 0; pc < k; pc += gemmKC {
			kc := min(gemmKC, k-pc)
			fill(bp, pc, kc, jc, nc)
			// The first block of k applies beta; later ones add to it.
			bt := beta
			if pc > 0 {
				bt = 1
			}
			acc := 0
			if bt != 0 {
				acc = 1
			}
			block := ap[pc*pa.rows:]
			for ic := 0; ic < m; ic += gemmMC {
				mc := min(gemmMC, m-ic)
				for jr := 0; jr < nc; jr += gemmNR {
					nr := min(gemmNR, nc-jr)
					mask0, mask1 := (1<<min(nr, 16))-1, (1<<max(nr-16, 0))-1
					b := &bp[jr*kc]
					for ir := ic; ir < ic+mc; ir += gemmMR {
						kernel8x32(kc, &block[ir*kc], b, &c[ir*ldc+jc+jr], ldc, alpha, bt, acc, min(gemmMR, m-ir), mask0, mask1)
					}
				}
			}
		}
	}
}

//go:noescape
func copy32(dst, src *float32, stride, rows, mask0, mask1 int)

//go:noescape
func copy8(dst, src *float32, stride, rows, mask int)

// packA copies rows [i0, i0+mc) and columns [p0, p0+kc) of op(A) into
// 8-row panels, each column of a panel 8 consecutive values; rows past the
// end are zero.
func packA(dst []float32, trans bool, a []float32, lda, i0, mc, p0, kc int) {
	for ir := 0; ir < mc; ir += gemmMR {
		panel := dst[ir*kc : (ir+gemmMR)*kc]
		rows := min(gemmMR, mc-ir)
		if trans {
			// op(A)[i][p] = a[p*lda+i]: each column of the panel is a run.
			copy8(&panel[0], &a[p0*lda+i0+ir], lda, kc, 1<<rows-1)
			continue
		}
		src := a[(i0+ir)*lda+p0:]
		done := 0
		if rows == gemmMR {
			done = kc &^ 7
			pack.Transpose8(&panel[0], gemmMR, &src[0], lda, done)
		} else {
			clear(panel)
		}
		pack.TransposeTail(panel, gemmMR, src, lda, rows, done, kc)
	}
}

// packB copies rows [p0, p0+kc) and columns [j0, j0+nc) of op(B) into
// 32-column panels, each row of a panel 32 consecutive values; columns past
// the end are zero.
func packB(dst []float32, trans bool, b []float32, ldb, p0, kc, j0, nc int) {
	for jr := 0; jr < nc; jr += gemmNR {
		panel := dst[jr*kc : (jr+gemmNR)*kc]
		cols := min(gemmNR, nc-jr)
		if !trans {
			copy32(&panel[0], &b[p0*ldb+j0+jr], ldb, kc, 1<<min(cols, 16)-1, 1<<max(cols-16, 0)-1)
			continue
		}
		// op(B)[p][j] = b[j*ldb+p]: transpose 8 columns at a time.
		if cols < gemmNR {
			clear(panel)
		}
		g := 0
		for ; g+8 <= cols; g += 8 {
			src := b[(j0+jr+g)*ldb+p0:]
			done := kc &^ 7
			pack.Transpose8(&panel[g], gemmNR, &src[0], ldb, done)
			pack.TransposeTail(panel[g:], gemmNR, src, ldb, 8, done, kc)
		}
		if g < cols {
			pack.TransposeTail(panel[g:], gemmNR, b[(j0+jr+g)*ldb+p0:], ldb, cols-g, 0, kc)
		}
	}
}
