package nn

import (
	"math/bits"
	"sync"
)

// Scratch buffers (column matrices, transposed weights, padded planes, tap
// tables) come from pools by power-of-two capacity, so buffers of varying
// sizes are reused instead of each size evicting the others and the
// garbage collector taking the rest.

var scratchFloats [64]sync.Pool

// getScratch returns a buffer of n floats (old contents) for putScratch to
// give back.
func getScratch(n int) []float32 {
	class := bits.Len(uint(n - 1))
	if v := scratchFloats[class].Get(); v != nil {
		return (*v.(*[]float32))[:n]
	}
	return make([]float32, n, 1<<class)
}

// putScratch gives back a buffer from getScratch.
func putScratch(b []float32) {
	b = b[:cap(b)]
	scratchFloats[bits.Len(uint(len(b)-1))].Put(&b)
}
