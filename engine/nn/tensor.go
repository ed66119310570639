package nn

import (
	"fmt"

	"gorgonia.org/tensor"
)

// New allocates a zeroed float32 tensor of the given shape.
func New(shape ...int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return FromSlice(make([]float32, n), shape...)
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
