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
	var packed *blas.PackedA
	var taps []packTap
	if wino == nil && pro == nil && !c.pointwise() {
		// The weights are packed once for every sample's product.
		k := c.In * c.KH * c.KW
		packed = blas.PackA(false, c.Out, k, c.Weight, k)
		defer packed.Release()
		if c.fastPacking() {
			taps = c.packTaps(h, w)
			defer releaseTaps(taps)
		}
	}
	if packed != nil {
		c.runPacked(packed, taps, src, dst, n, h, w, oh, ow, accumulate)
		return
	}
	for b := 0; b < n; b++ {
		y := dst[b*c.Out*oh*ow : (b+1)*c.Out*oh*ow]
		xb := src[b*ch*h*w : (b+1)*ch*h*w]
		c.initOutput(y, oh*ow, accumulate)
		if wino != nil {
			c.winograd(wino, xb, h, w, y, oh, ow, pro, b, winoBudget)
			continue
		}
		c.forwardOne(xb, h, w, y, oh, ow, pro, b)
	}
}

// batchCols is how many output pixels one product covers at least when
// planes are small: several samples' columns side by side, so the product
// is wide enough to split across cores and to fill whole panels.
const batchCols = 1024

// runPacked is run's path without a column matrix: per sample, or for
// small planes per group of samples through a scratch output.
func (c *Conv2d) runPacked(packed *blas.PackedA, taps []packTap, src, dst []float32, n, h, w, oh, ow int, accumulate bool) {
	plane, size := oh*ow, c.In*h*w
	group := min(n, max(1, batchCols/plane))
	if group == 1 {
		for b := 0; b < n; b++ {
			y := dst[b*c.Out*plane : (b+1)*c.Out*plane]
			c.initOutput(y, plane, accumulate)
			blas.SgemmPacked(packed, plane, 1, c.packer(src[b*size:(b+1)*size], h, w, oh, ow, taps), 1, y, plane)
		}
		return
	}
	tmp := getScratch(c.Out * group * plane)
	defer putScratch(tmp)
	for b0 := 0; b0 < n; b0 += group {
		g := min(group, n-b0)
		cols := g * plane
		blas.SgemmPacked(packed, cols, 1, c.packer(src[b0*size:(b0+g)*size], h, w, oh, ow, taps), 0, tmp, cols)
		// The bias (and what dst held) is added as the per-sample path's
		// initOutput does before its product lands: the same sums.
		For(g*c.Out, max(1, elementGrain/plane), func(lo, hi int) {
			for so := lo; so < hi; so++ {
				s, o := so/c.Out, so%c.Out
				y := dst[((b0+s)*c.Out+o)*plane : ((b0+s)*c.Out+o+1)*plane]
				t := tmp[o*cols+s*plane : o*cols+(s+1)*plane]
				switch {
				case accumulate && c.Bias != nil:
					bias := c.Bias[o]
					for i, v := range t {
						y[i] = (y[i] + bias) + v
					}
				case accumulate:
					for i, v := range t {
						y[i] += v
					}
				case c.Bias != nil:
					bias := c.Bias[o]
					for i, v := range t {
						y[i] = bias + v
					}
				default:
					copy(y, t)
				}
			}
		})
	}
}

// panelWidth is the width of the panels packPanelAVX512 writes; the packer
// uses it where the product asks for panels that wide, as the engine's own
// product kernels do.
const panelWidth = 32

// packTap is one row of the column matrix for packPanelAVX512: the input
// offset of tap (ci, kh, kw) from the pixel it serves, in floats, and its
// row offset dy and kernel column kw.
type packTap struct{ off, dy, kw int64 }

// packSeg is a run of a panel's output pixels within one output row and
// one 16-lane half of the panel, for packPanelAVX512: lane i of the half
// reads input pixel base+i (plus the tap's offset), the segment's output
// row is oy, half is the half's byte offset in a panel row, store masks
// the segment's lanes and load[kw] those whose input column exists.
type packSeg struct {
	base, oy, half, store int64
	load                  [4]int64
}

// maxSegs bounds the segments of one panel the fast packer takes: rows of
// 8 or more pixels. Narrower rows take the general packer.
const maxSegs = 8

// fastPacking tells whether c's panels can be packed by packPanelAVX512.
func (c *Conv2d) fastPacking() bool {
	return packAVX512 && c.Stride == 1 && !c.Pad.Circular && c.KW <= 4
}

var tapPool = sync.Pool{New: func() any { return new([]packTap) }}

// packTaps lists the taps of a stride-1 convolution over h x w planes, in
// a table for releaseTaps to give back.
func (c *Conv2d) packTaps(h, w int) []packTap {
	p := tapPool.Get().(*[]packTap)
	taps := (*p)[:0]
	for ci := 0; ci < c.In; ci++ {
		for kh := 0; kh < c.KH; kh++ {
			for kw := 0; kw < c.KW; kw++ {
				dy, dx := kh-c.Pad.Top, kw-c.Pad.Left
				taps = append(taps, packTap{off: int64(ci*h*w + dy*w + dx), dy: int64(dy), kw: int64(kw)})
			}
		}
	}
	return taps
}

func releaseTaps(taps []packTap) { tapPool.Put(&taps) }

// panelSegs fills segs with the segments of the panel of output pixels
// [js, js+cols) (counted over samples of oh x ow outputs, each sample's
// input size floats after the last) and returns them, or nil when there
// are more than maxSegs.
func (c *Conv2d) panelSegs(segs *[maxSegs]packSeg, js, cols, w, oh, ow, size int) []packSeg {
	n := 0
	for half := 0; half < cols; half += 16 {
		for i := half; i < min(half+16, cols); {
			if n == maxSegs {
				return nil
			}
			smp, r := (js+i)/(oh*ow), (js+i)%(oh*ow)
			oy, ox := r/ow, r%ow
			l0, run := i-half, min(ow-ox, min(half+16, cols)-i)
			s := &segs[n]
			*s = packSeg{base: int64(smp*size + oy*w + ox - l0), oy: int64(oy), half: int64(half * 4), store: int64((1<<run - 1) << l0)}
			for kw := 0; kw < c.KW; kw++ {
				var m int64
				for lane := l0; lane < l0+run; lane++ {
					if ix := ox + lane - l0 + kw - c.Pad.Left; ix >= 0 && ix < w {
						m |= 1 << lane
					}
				}
				s.load[kw] = m
			}
			n++
			i += run
		}
	}
	return segs[:n]
}

// packer writes blocks of the column matrix of the samples in x (a row per
// tap (channel, kh, kw), a column per output pixel, the samples' columns
// side by side) straight into the product's panels, so that matrix never
// exists whole.
func (c *Conv2d) packer(x []float32, h, w, oh, ow int, fast []packTap) blas.Packer {
	taps, size := c.KH*c.KW, c.In*h*w
	return func(dst []float32, p0, kc, j0, nc, pw int) {
		var segs [maxSegs]packSeg
		for q := 0; q*pw < nc; q++ {
			js := j0 + q*pw
			cols := min(pw, j0+nc-js)
			panel := dst[q*kc*pw : (q+1)*kc*pw]
			if fast != nil && pw == panelWidth {
				if s := c.panelSegs(&segs, js, cols, w, oh, ow, size); s != nil {
					packPanel(panel, x, fast[p0:p0+kc], s, h)
					continue
				}
			}
			ci, kh, kw := p0/taps, p0%taps/c.KW, p0%c.KW
			for p := 0; p < kc; p++ {
				row := panel[p*pw : (p+1)*pw]
				clear(row[cols:])
				// The pixels js.. may run over several output rows, and
				// samples.
				smp, r := js/(oh*ow), js%(oh*ow)
				oy, ox := r/ow, r%ow
				for i := 0; i < cols; {
					seg := row[i : i+min(ow-ox, cols-i)]
					plane := x[smp*size+ci*h*w : smp*size+(ci+1)*h*w]
					iy := oy*c.Stride + kh - c.Pad.Top
					switch {
					case iy >= 0 && iy < h:
						c.fillSpan(seg, plane[iy*w:(iy+1)*w], ox, kw, w)
					case c.Pad.Circular:
						iy = wrap(iy, h)
						c.fillSpan(seg, plane[iy*w:(iy+1)*w], ox, kw, w)
					default:
						clear(seg)
					}
					i += len(seg)
					if oy, ox = oy+1, 0; oy == oh {
						smp, oy = smp+1, 0
					}
				}
				if kw++; kw == c.KW {
					kw = 0
					if kh++; kh == c.KH {
						kh, ci = 0, ci+1
					}
				}
			}
		}
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
	For(c.Out, max(1, elementGrain/plane), func(lo, hi int) {
		for o := lo; o < hi; o++ {
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
	})
}

// elementGrain is the least number of elements a memory-bound loop hands
// to one goroutine.
const elementGrain = 1 << 14

// colBudget bounds the im2col buffer (in floats) so a large image is
// convolved band by band instead of materialising a huge column matrix.
const colBudget = 2 << 20

// forwardOne adds the convolution of one sample (x, In×h×w) to y (Out×oh×ow).
func (c *Conv2d) forwardOne(x []float32, h, w int, y []float32, oh, ow int, pro *Prologue, sample int) {
	plane := oh * ow
	k := c.In * c.KH * c.KW
	if pro == nil && c.KH == 1 && c.KW == 1 && c.Stride == 1 && c.Pad == (Padding{}) {
		blas.Sgemm(false, false, c.Out, plane, k, 1, c.Weight, k, x, plane, 1, y, plane)
		return
	}
	rows := max(1, min(oh, colBudget/(k*ow)))
	// The first band is the largest: its columns, and the transformed input
	// rows a prologue needs.
	need := k * rows * ow
	if pro != nil {
		need += c.In * ((rows-1)*c.Stride + c.KH) * w
	}
	buf := getScratch(need)
	defer putScratch(buf)
	src := rowSource{x: x, h: h, w: w}
	if pro != nil {
		src.pro, src.sample, src.in = pro, sample, c.In
	}
	for r0 := 0; r0 < oh; r0 += rows {
		r1 := min(oh, r0+rows)
		cols := (r1 - r0) * ow
		lo, hi := r0*c.Stride-c.Pad.Top, (r1-1)*c.Stride+c.KH-1-c.Pad.Top
		col := buf[:k*cols]
		if pro != nil {
			src.transformRows(buf[k*cols:k*cols+c.In*(hi-lo+1)*w], lo, hi)
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
func (c *Conv2d) fillRow(row, src []float32, kw, w int) { c.fillSpan(row, src, 0, kw, w) }

// fillSpan gathers the taps of output pixels ox0, ox0+1, ... of one output
// row, as many as seg holds, from one input row.
func (c *Conv2d) fillSpan(seg, src []float32, ox0, kw, w int) {
	off := ox0*c.Stride + kw - c.Pad.Left // the input column seg[0] reads
	if c.Stride == 1 {
		// Interior pixels are a straight copy; only the borders need care.
		lo, hi := max(0, -off), min(len(seg), w-off)
		if lo < hi {
			copy(seg[lo:hi], src[lo+off:hi+off])
		}
		for i := 0; i < lo && i < len(seg); i++ {
			seg[i] = c.padValue(src, i+off, w)
		}
		for i := max(hi, 0); i < len(seg); i++ {
			seg[i] = c.padValue(src, i+off, w)
		}
		return
	}
	for i := range seg {
		ix := off + i*c.Stride
		if ix >= 0 && ix < w {
			seg[i] = src[ix]
		} else {
			seg[i] = c.padValue(src, ix, w)
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
