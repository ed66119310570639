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
	// NoWinograd keeps the convolution on im2col and GEMM. Winograd's
	// transforms cost a few bits of precision, which training, whose
	// optimizer amplifies the sign of tiny gradients, cannot spare.
	NoWinograd bool

	wino winoCache
}

// OutputSize returns the spatial size of the output for an h×w input.
func (c *Conv2d) OutputSize(h, w int) (int, int) {
	return (h+c.Pad.Top+c.Pad.Bottom-c.KH)/c.Stride + 1, (w+c.Pad.Left+c.Pad.Right-c.KW)/c.Stride + 1
}

// Prologue transforms a convolution's input as the convolution reads it:
// x*Scale + Shift per (sample, channel), then swish if set. A group norm and
// activation feeding a conv this way never materialise a full-size tensor,
// which is what keeps large decodes within memory.
type Prologue struct {
	Scale, Shift []float32 // [batch*channels]
	Swish        bool
}

// Apply writes the transform of one plane, src of (sample, channel) index
// bc (sample*channels + channel), into dst.
func (p *Prologue) Apply(dst, src []float32, bc int) { p.apply(dst, src, bc) }

func (p *Prologue) apply(dst, src []float32, bc int) {
	if p.Swish {
		swishAffine(dst, src, p.Scale[bc], p.Shift[bc])
		return
	}
	affine(dst, src, p.Scale[bc], p.Shift[bc])
}

// Forward applies the convolution to an NCHW tensor.
func (c *Conv2d) Forward(x *tensor.Dense) *tensor.Dense { return c.Apply(x, nil) }

// Apply returns conv(pro(x)); pro may be nil.
func (c *Conv2d) Apply(x *tensor.Dense, pro *Prologue) *tensor.Dense {
	n, _, h, w := c.check(x)
	oh, ow := c.OutputSize(h, w)
	out := New(n, c.Out, oh, ow)
	c.run(out, x, pro, false)
	return out
}

// AddTo adds conv(pro(x)) to dst in place, as a residual connection does.
func (c *Conv2d) AddTo(dst, x *tensor.Dense, pro *Prologue) {
	c.checkOutput(dst, x, "added to")
	c.run(dst, x, pro, true)
}

// ApplyTo writes conv(pro(x)) into dst, whatever dst held.
func (c *Conv2d) ApplyTo(dst, x *tensor.Dense, pro *Prologue) {
	c.checkOutput(dst, x, "written to")
	c.run(dst, x, pro, false)
}

func (c *Conv2d) checkOutput(dst, x *tensor.Dense, verb string) {
	n, _, h, w := c.check(x)
	oh, ow := c.OutputSize(h, w)
	if dn, dc, dh, dw := Dims4(dst); dn != n || dc != c.Out || dh != oh || dw != ow {
		panic(fmt.Sprintf("nn: conv output %v %s a %v tensor", []int{n, c.Out, oh, ow}, verb, dst.Shape()))
	}
}

func (c *Conv2d) check(x *tensor.Dense) (n, ch, h, w int) {
	n, ch, h, w = Dims4(x)
	if ch != c.In {
		panic(fmt.Sprintf("nn: conv with %d input channels given %d", c.In, ch))
	}
	if oh, ow := c.OutputSize(h, w); oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("nn: conv %dx%d kernel does not fit a %dx%d input", c.KH, c.KW, h, w))
	}
	return n, ch, h, w
}

func (c *Conv2d) run(out, x *tensor.Dense, pro *Prologue, accumulate bool) {
	n, ch, h, w := Dims4(x)
	_, _, oh, ow := Dims4(out)
	src, dst := Data(x), Data(out)
	wino := c.winoScheme()
	for b := 0; b < n; b++ {
		y := dst[b*c.Out*oh*ow : (b+1)*c.Out*oh*ow]
		c.initOutput(y, oh*ow, accumulate)
		if wino != nil {
			c.winograd(wino, src[b*ch*h*w:(b+1)*ch*h*w], h, w, y, oh, ow, pro, b, winoBudget)
			continue
		}
		c.forwardOne(src[b*ch*h*w:(b+1)*ch*h*w], h, w, y, oh, ow, pro, b)
	}
}

// initOutput seeds each output plane with the bias, or adds the bias to it
// when accumulating; the products are then added on top.
func (c *Conv2d) initOutput(y []float32, plane int, accumulate bool) {
	if c.Bias == nil {
		if !accumulate {
			clear(y)
		}
		return
	}
	for o := 0; o < c.Out; o++ {
		row, bias := y[o*plane:(o+1)*plane], c.Bias[o]
		if accumulate {
			for i := range row {
				row[i] += bias
			}
		} else {
			for i := range row {
				row[i] = bias
			}
		}
	}
}

// colBudget bounds the im2col buffer (in floats) so a large image is
// convolved band by band instead of materialising a huge column matrix.
const colBudget = 2 << 20

var colPool = sync.Pool{New: func() any { return new([]float32) }}

// getCol returns a column buffer of n floats from colPool, for putCol to
// give back.
func getCol(n int) []float32 {
	bufp := colPool.Get().(*[]float32)
	if cap(*bufp) < n {
		*bufp = make([]float32, n)
	}
	return (*bufp)[:n]
}

func putCol(col []float32) { colPool.Put(&col) }

// forwardOne adds the convolution of one sample (x, In×h×w) to y (Out×oh×ow).
func (c *Conv2d) forwardOne(x []float32, h, w int, y []float32, oh, ow int, pro *Prologue, sample int) {
	plane := oh * ow
	k := c.In * c.KH * c.KW
	if pro == nil && c.KH == 1 && c.KW == 1 && c.Stride == 1 && c.Pad == (Padding{}) {
		blas.Sgemm(false, false, c.Out, plane, k, 1, c.Weight, k, x, plane, 1, y, plane)
		return
	}
	rows := max(1, min(oh, colBudget/(k*ow)))
	bufp := colPool.Get().(*[]float32)
	defer colPool.Put(bufp)
	src := rowSource{x: x, h: h, w: w}
	if pro != nil {
		src.pro, src.sample, src.in = pro, sample, c.In
	}
	for r0 := 0; r0 < oh; r0 += rows {
		r1 := min(oh, r0+rows)
		cols := (r1 - r0) * ow
		lo, hi := r0*c.Stride-c.Pad.Top, (r1-1)*c.Stride+c.KH-1-c.Pad.Top
		need := k * cols
		if pro != nil {
			need += c.In * (hi - lo + 1) * w
		}
		if cap(*bufp) < need {
			*bufp = make([]float32, need)
		}
		col := (*bufp)[:k*cols]
		if pro != nil {
			src.transformRows((*bufp)[k*cols:need], lo, hi)
		}
		c.im2col(&src, col, r0, r1, ow)
		blas.Sgemm(false, false, c.Out, cols, k, 1, c.Weight, k, col, cols, 1, y[r0*ow:], plane)
	}
}

// rowSource hands im2col the input rows, transformed by a prologue when
// there is one. Transformed rows live in a scratch block covering the rows
// [lo, hi] one band of output needs.
type rowSource struct {
	x          []float32
	h, w       int
	pro        *Prologue
	sample, in int
	scratch    []float32
	lo, hi     int
}

// transformRows fills the scratch with the transformed rows lo..hi (input
// coordinates; rows past the border wrap around, which only circular
// padding reads).
func (s *rowSource) transformRows(scratch []float32, lo, hi int) {
	s.scratch, s.lo, s.hi = scratch, lo, hi
	n := hi - lo + 1
	For(s.in, 4, func(c0, c1 int) {
		for ci := c0; ci < c1; ci++ {
			plane := s.x[ci*s.h*s.w : (ci+1)*s.h*s.w]
			for r := 0; r < n; r++ {
				iy := lo + r
				if iy < 0 || iy >= s.h {
					iy = wrap(iy, s.h)
				}
				dst := scratch[(ci*n+r)*s.w : (ci*n+r+1)*s.w]
				s.pro.apply(dst, plane[iy*s.w:(iy+1)*s.w], s.sample*s.in+ci)
			}
		}
	})
}

// row returns input row iy (already inside [0, h)) of channel ci; want is
// the unwrapped row number the convolution asked for, which locates the row
// in the scratch block.
func (s *rowSource) row(ci, iy, want int) []float32 {
	if s.pro == nil {
		return s.x[(ci*s.h+iy)*s.w : (ci*s.h+iy+1)*s.w]
	}
	n := s.hi - s.lo + 1
	r := want - s.lo
	return s.scratch[(ci*n+r)*s.w : (ci*n+r+1)*s.w]
}

// im2col writes, for output rows [r0, r1), one row per (channel, kh, kw) tap
// holding the input value each output pixel sees through that tap.
func (c *Conv2d) im2col(src *rowSource, col []float32, r0, r1, ow int) {
	cols := (r1 - r0) * ow
	taps := c.KH * c.KW
	h, w := src.h, src.w
	For(c.In*taps, 8, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			ci, kh, kw := t/taps, (t%taps)/c.KW, t%c.KW
			dst := col[t*cols : (t+1)*cols]
			for oy := r0; oy < r1; oy++ {
				row := dst[(oy-r0)*ow : (oy-r0+1)*ow]
				want := oy*c.Stride + kh - c.Pad.Top
				iy := want
				if iy < 0 || iy >= h {
					if !c.Pad.Circular {
						clear(row)
						continue
					}
					iy = wrap(iy, h)
				}
				c.fillRow(row, src.row(ci, iy, want), kw, w)
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
