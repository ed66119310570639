package ops

import (
	"sync"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// Every node keeps the value of its last run until the next one, so a
// graph's activations and gradients all stay allocated between runs; with
// fresh memory for every output, each VQGAN step hands out over a gigabyte
// that the garbage collector then has to find, and the heap grows to twice
// the live data. Recycle instead gives the buffers of a finished run back
// for the next run of any graph to reuse: memory is then about one graph's
// values, and nothing is faulted in afresh.

// pool holds recycled buffers by length.
type pool struct {
	mu    sync.Mutex
	free  map[int][][]float32
	total int // floats held
}

// maxPooled bounds the floats the pool holds (1 GiB); beyond it recycled
// buffers are left to the garbage collector.
const maxPooled = 256 << 20

// minPooled is the smallest buffer worth recycling: below it the
// bookkeeping costs more than the allocation.
const minPooled = 64

var buffers = &pool{free: map[int][][]float32{}}

// get returns a buffer of n floats, zeroed if zero is set (a recycled
// buffer holds an old value otherwise).
func (p *pool) get(n int, zero bool) []float32 {
	if n >= minPooled {
		p.mu.Lock()
		if l := p.free[n]; len(l) > 0 {
			b := l[len(l)-1]
			l[len(l)-1] = nil
			p.free[n] = l[:len(l)-1]
			p.total -= n
			p.mu.Unlock()
			if zero {
				clear(b)
			}
			return b
		}
		p.mu.Unlock()
	}
	return make([]float32, n)
}

func (p *pool) put(b []float32) {
	n := len(b)
	if n < minPooled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.total+n > maxPooled {
		return
	}
	p.free[n] = append(p.free[n], b[:n:n])
	p.total += n
}

// newDense returns a tensor for a kernel's output or scratch, from a
// recycled buffer when one of the size is free. zero says whether it must
// start as zeros; a kernel that writes every element passes false.
func newDense(zero bool, shape ...int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return nn.FromSlice(buffers.get(n, zero), shape...)
}

// zerosLike returns a zero tensor of t's shape in memory no value shares.
func zerosLike(t *tensor.Dense) *tensor.Dense { return newDense(true, t.Shape()...) }

// emptyLike is zerosLike for outputs whose every element the kernel writes.
func emptyLike(t *tensor.Dense) *tensor.Dense { return newDense(false, t.Shape()...) }

// cloneOf returns a copy of t in memory no value shares.
func cloneOf(t *tensor.Dense) *tensor.Dense {
	out := emptyLike(t)
	copyFloats(nn.Data(out), nn.Data(t))
	return out
}

// copyFloats copies src into dst, large slices on every core.
func copyFloats(dst, src []float32) {
	nn.For(len(src), 1<<15, func(lo, hi int) { copy(dst[lo:hi], src[lo:hi]) })
}

// release gives a kernel's own scratch back to the pool: only memory that
// was never handed to gorgonia, and that nothing refers to any more.
func release(t *tensor.Dense) { buffers.put(nn.Data(t)) }

// handedOut remembers the buffer an op gave gorgonia in its last run.
type handedOut struct{ buf []float32 }

func (h *handedOut) set(d *tensor.Dense) {
	if b := nn.Data(d); len(b) >= minPooled {
		h.buf = b
	}
}

// Recycle gives back for reuse the memory every kernel of g handed out in
// g's last run. Call it once the run is over and its results have been read
// through Watch (whose copies stay valid): the nodes' own values then alias
// memory other runs write, until g runs again and recomputes them. A graph
// whose values are read any other way must not be recycled.
func Recycle(g *G.ExprGraph) {
	seen := map[*float32]bool{}
	for _, n := range g.AllNodes() {
		var h *handedOut
		switch op := n.Op().(type) {
		case *forwardOp:
			h = &op.out
		case *backwardOp:
			h = &op.out
		default:
			continue
		}
		// A value may have reached gorgonia through two ops (a kernel
		// passing a buffer on); it goes back to the pool once.
		if b := h.buf; b != nil && !seen[&b[0]] {
			seen[&b[0]] = true
			buffers.put(b)
		}
		h.buf = nil
	}
}
