package avx2

import (
	"math/bits"
	"runtime"
	"sync"

	"golang.org/x/sys/cpu"

	"tessera/engine/nn/blas/internal/pack"
)

// Available tells whether this CPU (and its operating system) runs the AVX2
// and FMA instructions Gemm needs.
var Available = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func kernel6x16(kc int, a, b, c *float32, ldc int, alpha, beta float32, accumulate int)

// Blocking of the packed product, after BLIS: a kc x 16 panel of B (16 KiB)
// stays in L1 while the 6-row panels of an mc x kc block of A (120 KiB, L2)
// stream past it; a kc x nc block of B sits in L3.
const (
	gemmMR = 6
	gemmNR = 16
	gemmKC = 256
	gemmMC = 120
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
// products: for each block of gemmKC columns, the 6-row panels of every row
// (rows past m zero), each column of a panel 6 consecutive values.
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
	fill := func(b0, b1 int) {
		for pc := b0 * gemmKC; pc < min(k, b1*gemmKC); pc += gemmKC {
			packA(dst[pc*rows:], transA, a, lda, m, pc, min(gemmKC, k-pc))
		}
	}
	blocks := (k + gemmKC - 1) / gemmKC
	workers := min(runtime.GOMAXPROCS(0), blocks)
	if !parallel || rows*k < 1<<16 || workers < 2 {
		fill(0, blocks)
	} else {
		var wg sync.WaitGroup
		step := (blocks + workers - 1) / workers
		for b := 0; b < blocks; b += step {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fill(b, min(blocks, b+step))
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
// by block into the panels kernel6x16 reads. It needs Available.
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
	var edge [gemmMR * gemmNR]float32
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
					b := &bp[jr*kc]
					for ir := ic; ir < ic+mc; ir += gemmMR {
						rows := min(gemmMR, m-ir)
						if rows == gemmMR && nr == gemmNR {
							kernel6x16(kc, &block[ir*kc], b, &c[ir*ldc+jc+jr], ldc, alpha, bt, acc)
							continue
						}
						// A tile past C's edge goes through a scratch tile
						// (AVX2 has no masked stores to spare C's padding).
						kernel6x16(kc, &block[ir*kc], b, &edge[0], gemmNR, alpha, 0, 0)
						addEdge(c[ir*ldc+jc+jr:], ldc, edge[:], rows, nr, bt)
					}
				}
			}
		}
	}
}

// addEdge writes C = tile + beta*C for the rows x cols corner of a tile,
// not reading C when beta is 0.
func addEdge(c []float32, ldc int, tile []float32, rows, cols int, beta float32) {
	for r := 0; r < rows; r++ {
		dst, src := c[r*ldc:r*ldc+cols], tile[r*gemmNR:r*gemmNR+cols]
		if beta == 0 {
			copy(dst, src)
			continue
		}
		for j, v := range src {
			dst[j] = v + beta*dst[j]
		}
	}
}

// packA copies rows [0, m) and columns [p0, p0+kc) of op(A) into 6-row
// panels, each column of a panel 6 consecutive values; rows past m are zero.
func packA(dst []float32, trans bool, a []float32, lda, m, p0, kc int) {
	for ir := 0; ir < m; ir += gemmMR {
		panel := dst[ir*kc : (ir+gemmMR)*kc]
		rows := min(gemmMR, m-ir)
		if rows < gemmMR {
			clear(panel)
		}
		if trans {
			// op(A)[i][p] = a[p*lda+i]: each column of the panel is a run.
			for p := 0; p < kc; p++ {
				copy(panel[p*gemmMR:p*gemmMR+rows], a[(p0+p)*lda+ir:])
			}
			continue
		}
		if rows == gemmMR {
			transpose6(panel, a[ir*lda+p0:], lda, kc)
			continue
		}
		pack.TransposeTail(panel, gemmMR, a[ir*lda+p0:], lda, rows, 0, kc)
	}
}

// transpose6 writes dst[p*6+r] = src[r*stride+p] for the 6 rows r and the
// kc columns p: row by row of dst, so the writes run in order (a
// convolution's Winograd products pack their A afresh for every block).
func transpose6(dst, src []float32, stride, kc int) {
	r0, r1, r2 := src[:kc], src[stride:][:kc], src[2*stride:][:kc]
	r3, r4, r5 := src[3*stride:][:kc], src[4*stride:][:kc], src[5*stride:][:kc]
	dst = dst[:6*kc]
	for p := range kc {
		d := dst[p*6 : p*6+6 : p*6+6]
		d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
	}
}

// packB copies rows [p0, p0+kc) and columns [j0, j0+nc) of op(B) into
// 16-column panels, each row of a panel 16 consecutive values; columns past
// the end are zero.
func packB(dst []float32, trans bool, b []float32, ldb, p0, kc, j0, nc int) {
	for jr := 0; jr < nc; jr += gemmNR {
		panel := dst[jr*kc : (jr+gemmNR)*kc]
		cols := min(gemmNR, nc-jr)
		if cols < gemmNR {
			clear(panel)
		}
		if !trans {
			for p := 0; p < kc; p++ {
				copy(panel[p*gemmNR:p*gemmNR+cols], b[(p0+p)*ldb+j0+jr:])
			}
			continue
		}
		// op(B)[p][j] = b[j*ldb+p]: transpose 8 columns at a time.
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
