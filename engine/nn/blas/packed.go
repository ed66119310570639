package blas

import (
	"runtime"
	"sync"
)

// PackedA is a product's left operand, prepared once for several products
// with different right operands (a convolution's weights, used for every
// sample): where the engine's own kernels run, a packed copy of it.
type PackedA struct {
	m, k  int
	trans bool
	a     []float32
	lda   int
	own   ownPacked // nil where the library runs the products
	width int       // of the panels own multiplies
}

// PackA prepares op(A), an m x k matrix (stored [k, m] when transA), for
// SgemmPacked. Call Release when done.
func PackA(transA bool, m, k int, a []float32, lda int) *PackedA {
	checkOperand("A", transA, m, k, a, lda)
	p := &PackedA{m: m, k: k, trans: transA, a: a, lda: lda}
	if own != nil {
		p.own, p.width = own.packA(transA, m, k, a, lda), own.width
	}
	return p
}

// Release gives the packed copy's memory back; p must not be used after.
func (p *PackedA) Release() {
	if p.own != nil {
		p.own.Release()
	}
}

// A Packer writes rows [p0, p0+kc) and columns [j0, j0+nc) of a product's
// right operand B into dst as panels of w columns: panel q holds columns
// j0+q*w onwards as kc rows of w values, and the columns of the last panel
// past nc are zero. SgemmPacked calls it concurrently for disjoint column
// ranges.
type Packer func(dst []float32, p0, kc, j0, nc, w int)

// packedKC and packedNC block the right operand for the library's
// product: a kc x nc block is packed as one panel (w = nc) and multiplied.
const (
	packedKC = 256
	packedNC = 1024
)

var blockPool = sync.Pool{New: func() any {
	b := make([]float32, packedKC*packedNC)
	return &b
}}

// SgemmPacked computes C = alpha*A*B + beta*C for A from PackA (m x k) and
// B (k x n) written block by block by pack, never materialised whole. Like
// Sgemm, it splits C's columns across cores.
func SgemmPacked(a *PackedA, n int, alpha float32, pack Packer, beta float32, c []float32, ldc int) {
	m, k := a.m, a.k
	if m == 0 || n == 0 {
		return
	}
	checkOperand("C", false, m, n, c, ldc)
	workers := runtime.GOMAXPROCS(0)
	if workers == 1 || 2*m*n*k < minSplitFlops {
		serialPacked(a, 0, n, alpha, pack, beta, c, ldc)
		return
	}
	// Whole panels per worker, so only the last one packs a partial panel.
	step := ((n+workers-1)/workers + 31) &^ 31
	var wg sync.WaitGroup
	for j := 0; j < n; j += step {
		w := min(step, n-j)
		wg.Add(1)
		go func() {
			defer wg.Done()
			serialPacked(a, j, w, alpha, pack, beta, c[j:], ldc)
		}()
	}
	wg.Wait()
}

// serialPacked is SgemmPacked's product for columns [j0, j0+n) on one core,
// c starting at column j0.
func serialPacked(a *PackedA, j0, n int, alpha float32, pack Packer, beta float32, c []float32, ldc int) {
	if a.own != nil {
		fill := func(dst []float32, p0, kc, jj, nc int) { pack(dst, p0, kc, j0+jj, nc, a.width) }
		a.own.Product(n, alpha, fill, beta, c, ldc)
		return
	}
	bufp := blockPool.Get().(*[]float32)
	defer blockPool.Put(bufp)
	buf := *bufp
	for jc := 0; jc < n; jc += packedNC {
		nc := min(packedNC, n-jc)
		for pc := 0; pc < max(a.k, 1); pc += packedKC {
			kc := min(packedKC, a.k-pc)
			pack(buf, pc, kc, j0+jc, nc, nc)
			bt := beta
			if pc > 0 {
				bt = 1
			}
			sub := a.a[pc:] // columns from pc of A
			if a.trans {
				sub = a.a[pc*a.lda:]
			}
			sgemmSerial(a.trans, false, a.m, nc, kc, alpha, sub, a.lda, buf, nc, bt, c[jc:], ldc)
		}
	}
}
