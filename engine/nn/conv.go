package nn

import (
	"fmt"
	"sync"

	"gorgonia.org/tensor"

	"tessera/engine/nn/blas"
)

// Padding is the border a convolution adds around its input. Circular padding
// wraps around the opposite edge, which makes a decoded image tile seamlessly.
type Padding struct {
	Top, Bottom, Left, Right int
	Circular                 bool
}

// Same returns symmetric zero padding of p on every side.
func Same(p int) Padding { return Padding{p, p, p, p, false} }

// Conv2d is a 2-D cross-correlation with OIHW weights, as torch stores them.
type Conv2d struct {
	Weight         []float32 // [Out, In, KH, KW]
	Bias           []float32 // [Out], or nil
	Out, In        int
	KH, KW, Stride int
	Pad            Padding
}

// OutputSize returns the spatial size of the output for an h×w input.
func (c *Conv2d) OutputSize(h, w int) (int, int) {
	return (h+c.Pad.Top+c.Pad.Bottom-c.KH)/c.Stride + 1, (w+c.Pad.Left+c.Pad.Right-c.KW)/c.Stride + 1
}

// Forward applies the convolution to an NCHW tensor.
func (c *Conv2d) Forward(x *tensor.Dense) *tensor.Dense {
	n, ch, h, w := Dims4(x)
	if ch != c.In {
		panic(fmt.Sprintf("nn: conv with %d input channels given %d", c.In, ch))
	}
	oh, ow := c.OutputSize(h, w)
	if oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("nn: conv %dx%d kernel does not fit a %dx%d input", c.KH, c.KW, h, w))
	}
	out := New(n, c.Out, oh, ow)
	src, dst := Data(x), Data(out)
	for b := 0; b < n; b++ {
		c.forwardOne(src[b*ch*h*w:(b+1)*ch*h*w], h, w, dst[b*c.Out*oh*ow:(b+1)*c.Out*oh*ow], oh, ow)
	}
	return out
}

// colBudget bounds the im2col buffer (in floats) so a large image is
// convolved band by band instead of materialising a huge column matrix.
const colBudget = 2 << 20

var colPool = sync.Pool{New: func() any { return new([]float32) }}

func (c *Conv2d) forwardOne(x []float32, h, w int, y []float32, oh, ow int) {
	plane := oh * ow
	if c.Bias != nil {
		for o := 0; o < c.Out; o++ {
			row := y[o*plane : (o+1)*plane]
			for i := range row {
				row[i] = c.Bias[o]
			}
		}
	}
	k := c.In * c.KH * c.KW
	if c.KH == 1 && c.KW == 1 && c.Stride == 1 && c.Pad == (Padding{}) {
		blas.Sgemm(false, false, c.Out, plane, k, 1, c.Weight, k, x, plane, 1, y, plane)
		return
	}
	rows := max(1, min(oh, colBudget/(k*ow)))
	bufp := colPool.Get().(*[]float32)
	defer colPool.Put(bufp)
	if cap(*bufp) < k*rows*ow {
		*bufp = make([]float32, k*rows*ow)
	}
	for r0 := 0; r0 < oh; r0 += rows {
		r1 := min(oh, r0+rows)
		cols := (r1 - r0) * ow
		col := (*bufp)[:k*cols]
		c.im2col(x, h, w, col, r0, r1, ow)
		blas.Sgemm(false, false, c.Out, cols, k, 1, c.Weight, k, col, cols, 1, y[r0*ow:], plane)
	}
}

// im2col writes, for output rows [r0, r1), one row per (channel, kh, kw) tap
// holding the input value each output pixel sees through that tap.
func (c *Conv2d) im2col(x []float32, h, w int, col []float32, r0, r1, ow int) {
	cols := (r1 - r0) * ow
	taps := c.KH * c.KW
	For(c.In*taps, 8, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			ci, kh, kw := t/taps, (t%taps)/c.KW, t%c.KW
			plane := x[ci*h*w : (ci+1)*h*w]
			dst := col[t*cols : (t+1)*cols]
			for oy := r0; oy < r1; oy++ {
				row := dst[(oy-r0)*ow : (oy-r0+1)*ow]
				iy := oy*c.Stride + kh - c.Pad.Top
				if iy < 0 || iy >= h {
					if !c.Pad.Circular {
						clear(row)
						continue
					}
					iy = wrap(iy, h)
				}
				src := plane[iy*w : (iy+1)*w]
				c.fillRow(row, src, kw, w)
			}
		}
	})
}

// fillRow gathers one output row of taps from one input row.
func (c *Conv2d) fillRow(row, src []float32, kw, w int) {
	off := kw - c.Pad.Left
	if c.Stride == 1 {
		// Interior pixels are a straight copy; only the borders need care.
		lo, hi := max(0, -off), min(len(row), w-off)
		if lo < hi {
			copy(row[lo:hi], src[lo+off:hi+off])
		}
		for ox := 0; ox < lo && ox < len(row); ox++ {
			row[ox] = c.padValue(src, ox+off, w)
		}
		for ox := max(hi, 0); ox < len(row); ox++ {
			row[ox] = c.padValue(src, ox+off, w)
		}
		return
	}
	for ox := range row {
		ix := ox*c.Stride + off
		if ix >= 0 && ix < w {
			row[ox] = src[ix]
		} else {
			row[ox] = c.padValue(src, ix, w)
		}
	}
}

func (c *Conv2d) padValue(src []float32, ix, w int) float32 {
	if c.Pad.Circular {
		return src[wrap(ix, w)]
	}
	return 0
}

func wrap(i, n int) int {
	i %= n
	if i < 0 {
		i += n
	}
	return i
}
