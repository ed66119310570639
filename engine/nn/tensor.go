package nn

import (
	"fmt"
	"sync"

	"gorgonia.org/tensor"
)

// New returns a zeroed float32 tensor of the given shape, reusing a recycled
// buffer of the same size when one is free.
func New(shape ...int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return FromSlice(buffers.get(n), shape...)
}

// Recycle hands a tensor's buffer back for reuse by New. Call it only when
// nothing refers to the tensor any more. Large decodes lean on this: their
// feature maps are hundreds of megabytes each, and leaving them to the
// garbage collector lets the heap grow to several times the live data.
func Recycle(t *tensor.Dense) {
	if t != nil {
		buffers.put(Data(t))
	}
}

// bufferCache keeps recycled buffers for reuse, up to a total size. When
// full it drops the buffers recycled longest ago: a decoder's feature maps
// grow level by level, so old sizes are the ones that will not come back.
type bufferCache struct {
	mu    sync.Mutex
	free  [][]float32 // oldest first
	total int
}

// maxCached bounds the floats held for reuse (512 MiB).
const maxCached = 128 << 20

var buffers = &bufferCache{}

func (c *bufferCache) get(n int) []float32 {
	c.mu.Lock()
	for i := len(c.free) - 1; i >= 0; i-- {
		if b := c.free[i]; len(b) == n {
			c.free = append(c.free[:i], c.free[i+1:]...)
			c.total -= n
			c.mu.Unlock()
			clear(b)
			return b
		}
	}
	c.mu.Unlock()
	return make([]float32, n)
}

func (c *bufferCache) put(b []float32) {
	n := len(b)
	if n == 0 || n > maxCached {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.free = append(c.free, b[:n:n])
	c.total += n
	for c.total > maxCached {
		c.total -= len(c.free[0])
		c.free[0] = nil
		c.free = c.free[1:]
	}
}

// FromSlice wraps data (not copied) as a tensor of the given shape.
func FromSlice(data []float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// Data returns the backing slice of a float32 tensor.
func Data(t *tensor.Dense) []float32 { return t.Data().([]float32) }

// Dims4 returns the N, C, H, W sizes of a rank-4 tensor.
func Dims4(t *tensor.Dense) (n, c, h, w int) {
	s := t.Shape()
	if len(s) != 4 {
		panic(fmt.Sprintf("nn: want an NCHW tensor, got shape %v", s))
	}
	return s[0], s[1], s[2], s[3]
}

// AddInPlace adds src to dst element by element; both must have the same size.
func AddInPlace(dst, src []float32) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("nn: add of %d and %d elements", len(dst), len(src)))
	}
	For(len(dst), 1<<14, func(lo, hi int) {
		d, s := dst[lo:hi], src[lo:hi]
		for i := range d {
			d[i] += s[i]
		}
	})
}
