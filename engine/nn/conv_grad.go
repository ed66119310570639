package nn

import (
	"gorgonia.org/tensor"

	"tessera/engine/nn/blas"
)

// The gradients of Conv2d, for training. Both work band by band over the
// output rows, like the forward pass, so the column matrix stays within
// colBudget whatever the image size.

// BackwardData returns d(loss)/dx for an input of h×w pixels, given dy,
// d(loss)/d(output) of shape [N, Out, oh, ow]. The prologue is not
// differentiated: a training graph keeps norms and activations as ops of
// their own.
func (c *Conv2d) BackwardData(dy *tensor.Dense, h, w int) *tensor.Dense {
	n, _, _, _ := Dims4(dy)
	dx := FromSlice(make([]float32, n*c.In*h*w), n, c.In, h, w)
	c.BackwardDataTo(dx, dy)
	return dx
}

// BackwardDataTo is BackwardData writing into dx ([N, In, h, w]), whatever
// dx held.
func (c *Conv2d) BackwardDataTo(dx, dy *tensor.Dense) {
	n, _, oh, ow := Dims4(dy)
	switch {
	case c.pointwise():
		src, dst, plane := Data(dy), Data(dx), oh*ow
		for b := 0; b < n; b++ {
			blas.Sgemm(true, false, c.In, plane, c.Out, 1, c.Weight, c.In, src[b*c.Out*plane:], plane, 0, dst[b*c.In*plane:], plane)
		}
	case c.Stride == 1 && !c.Pad.Circular:
		// The data gradient of a stride-1 convolution is itself a
		// convolution, run on the forward pass's packed product, which sums
		// over Out*KH*KW rather than Out.
		wt := getScratch(len(c.Weight))
		defer putScratch(wt)
		c.transposed(wt).ApplyTo(dx, dy, nil)
	default:
		clear(Data(dx))
		c.scatterData(dy, dx)
	}
}

// scatterData computes the data gradient as W^T dy, column by column, each
// column added back onto the input pixels it was read from.
func (c *Conv2d) scatterData(dy, dx *tensor.Dense) {
	n, _, oh, ow := Dims4(dy)
	_, _, h, w := Dims4(dx)
	src, dst := Data(dy), Data(dx)
	plane, k := oh*ow, c.In*c.KH*c.KW
	rows := max(1, min(oh, colBudget/(k*ow)))
	col := getScratch(k * rows * ow)
	defer putScratch(col)
	for b := 0; b < n; b++ {
		g := src[b*c.Out*plane : (b+1)*c.Out*plane]
		out := dst[b*c.In*h*w : (b+1)*c.In*h*w]
		for r0 := 0; r0 < oh; r0 += rows {
			r1 := min(oh, r0+rows)
			cols := (r1 - r0) * ow
			blas.Sgemm(true, false, k, cols, c.Out, 1, c.Weight, k, g[r0*ow:], plane, 0, col, cols)
			c.col2im(col[:k*cols], out, h, w, r0, r1, ow)
		}
	}
}

// BackwardParams adds d(loss)/dW ([Out, In, KH, KW]) and, when db is not
// nil, d(loss)/db to dw and db, for the input x and the output gradient dy.
func (c *Conv2d) BackwardParams(x, dy *tensor.Dense, dw, db []float32) {
	n, _, h, w := Dims4(x)
	_, _, oh, ow := Dims4(dy)
	xs, g := Data(x), Data(dy)
	plane, k := oh*ow, c.In*c.KH*c.KW
	if db != nil {
		For(c.Out, 4, func(lo, hi int) {
			for o := lo; o < hi; o++ {
				var s float32
				for b := 0; b < n; b++ {
					for _, v := range g[(b*c.Out+o)*plane : (b*c.Out+o+1)*plane] {
						s += v
					}
				}
				db[o] += s
			}
		})
	}
	if c.pointwise() {
		for b := 0; b < n; b++ {
			blas.Sgemm(false, true, c.Out, c.In, plane, 1, g[b*c.Out*plane:], plane, xs[b*c.In*plane:], plane, 1, dw, c.In)
		}
		return
	}
	// Rows narrower than a vector leave the direct kernel's lanes idle and
	// its per-channel sums dominate: those take the products.
	if dwAVX512 && c.KH == 3 && c.KW == 3 && c.Stride == 1 && c.Pad == Same(1) && w >= 16 {
		c.weightGrad3x3(xs, g, n, h, w, dw)
		return
	}
	rows := max(1, min(oh, colBudget/(k*ow)))
	col := getScratch(k * rows * ow)
	defer putScratch(col)
	for b := 0; b < n; b++ {
		src := rowSource{x: xs[b*c.In*h*w : (b+1)*c.In*h*w], h: h, w: w}
		gb := g[b*c.Out*plane : (b+1)*c.Out*plane]
		for r0 := 0; r0 < oh; r0 += rows {
			r1 := min(oh, r0+rows)
			cols := (r1 - r0) * ow
			c.im2col(&src, col[:k*cols], r0, r1, ow)
			blas.Sgemm(false, true, c.Out, k, cols, 1, gb[r0*ow:], plane, col, cols, 1, dw, k)
		}
	}
}

// transposed returns the convolution whose forward pass is c's data
// gradient, for stride 1 without circular padding, with its weights
// written into w: the kernel flipped in both directions, input and output
// channels swapped, and each border padded by the kernel's extent less c's
// padding there.
func (c *Conv2d) transposed(w []float32) *Conv2d {
	taps := c.KH * c.KW
	For(c.Out, max(1, elementGrain/(c.In*taps)), func(lo, hi int) {
		for o := lo; o < hi; o++ {
			for i := 0; i < c.In; i++ {
				src := c.Weight[(o*c.In+i)*taps : (o*c.In+i+1)*taps]
				dst := w[(i*c.Out+o)*taps : (i*c.Out+o+1)*taps]
				for t, v := range src {
					dst[taps-1-t] = v
				}
			}
		}
	})
	p := c.Pad
	pad := Padding{Top: c.KH - 1 - p.Top, Bottom: c.KH - 1 - p.Bottom, Left: c.KW - 1 - p.Left, Right: c.KW - 1 - p.Right}
	return &Conv2d{Weight: w, Out: c.In, In: c.Out, KH: c.KH, KW: c.KW, Stride: 1, Pad: pad, NoWinograd: c.NoWinograd}
}

func (c *Conv2d) pointwise() bool {
	return c.KH == 1 && c.KW == 1 && c.Stride == 1 && c.Pad == (Padding{})
}

// col2im adds each column entry back onto the input pixel it was read from
// (the transpose of im2col), for output rows [r0, r1). Taps are grouped by
// input channel so that concurrent workers never write the same plane.
func (c *Conv2d) col2im(col, dx []float32, h, w, r0, r1, ow int) {
	cols := (r1 - r0) * ow
	taps := c.KH * c.KW
	For(c.In, 1, func(lo, hi int) {
		for ci := lo; ci < hi; ci++ {
			plane := dx[ci*h*w : (ci+1)*h*w]
			for tap := 0; tap < taps; tap++ {
				kh, kw := tap/c.KW, tap%c.KW
				src := col[(ci*taps+tap)*cols : (ci*taps+tap+1)*cols]
				for oy := r0; oy < r1; oy++ {
					iy := oy*c.Stride + kh - c.Pad.Top
					if iy < 0 || iy >= h {
						if !c.Pad.Circular {
							continue
						}
						iy = wrap(iy, h)
					}
					c.scatterRow(plane[iy*w:(iy+1)*w], src[(oy-r0)*ow:(oy-r0+1)*ow], kw, w)
				}
			}
		}
	})
}

// scatterRow is fillRow's transpose: it adds one row of taps back onto the
// input row they were gathered from.
func (c *Conv2d) scatterRow(dst, row []float32, kw, w int) {
	off := kw - c.Pad.Left
	if c.Stride == 1 && !c.Pad.Circular {
		// The taps that land inside the row are one contiguous run.
		lo, hi := max(0, -off), min(len(row), w-off)
		if lo < hi {
			Add(dst[lo+off:hi+off], row[lo:hi])
		}
		return
	}
	for ox, v := range row {
		ix := ox*c.Stride + off
		if ix < 0 || ix >= w {
			if !c.Pad.Circular {
				continue
			}
			ix = wrap(ix, w)
		}
		dst[ix] += v
	}
}

// dwSlack is the floats after a padded plane that dw3x3's last vector
// loads may touch (masked off, so never used).
const dwSlack = 16

// dwBudget bounds the floats of input planes and output gradients one
// worker of weightGrad3x3 works on at a time, to stay in its L2 cache.
const dwBudget = 96 << 10

// weightGrad3x3 adds dW for a 3x3, stride-1, pad-1 convolution straight
// from x and dy, with no column matrix: each input channel's plane is
// padded once and swept against pairs of output-gradient planes. Workers
// take disjoint input channels, so they write disjoint parts of dW; tiles
// of channels keep the planes swept together in cache.
func (c *Conv2d) weightGrad3x3(xs, g []float32, n, h, w int, dw []float32) {
	plane, padded := h*w, (h+2)*(w+2)
	tileO := max(2, min(c.Out, dwBudget/2/plane)&^1)
	tileI := max(1, (dwBudget-tileO*plane)/padded)
	For(c.In, 1, func(lo, hi int) {
		buf := getScratch(min(tileI, hi-lo)*padded + dwSlack)
		defer putScratch(buf)
		var spare [9]float32 // the second channel of an odd last pair
		for b := 0; b < n; b++ {
			gb := g[b*c.Out*plane : (b+1)*c.Out*plane]
			for i0 := lo; i0 < hi; i0 += tileI {
				i1 := min(hi, i0+tileI)
				for ci := i0; ci < i1; ci++ {
					padPlane(buf[(ci-i0)*padded:(ci-i0+1)*padded], xs[(b*c.In+ci)*plane:(b*c.In+ci+1)*plane], h, w)
				}
				for o0 := 0; o0 < c.Out; o0 += tileO {
					for ci := i0; ci < i1; ci++ {
						x := buf[(ci-i0)*padded:]
						for o := o0; o < min(c.Out, o0+tileO); o += 2 {
							dw0 := dw[(o*c.In+ci)*9 : (o*c.In+ci+1)*9]
							dy0 := gb[o*plane : (o+1)*plane]
							dw1, dy1 := spare[:], dy0
							if o+1 < c.Out {
								dw1, dy1 = dw[((o+1)*c.In+ci)*9:((o+1)*c.In+ci+1)*9], gb[(o+1)*plane:(o+2)*plane]
							}
							dw3x3(dw0, dw1, x, dy0, dy1, h, w)
						}
					}
				}
			}
		}
	})
}

// padPlane copies an h x w plane into dst with a zero border of one pixel.
func padPlane(dst, src []float32, h, w int) {
	clear(dst[:w+2])
	for y := 0; y < h; y++ {
		row := dst[(y+1)*(w+2) : (y+2)*(w+2)]
		row[0], row[w+1] = 0, 0
		copy(row[1:w+1], src[y*w:(y+1)*w])
	}
	clear(dst[(h+1)*(w+2) : (h+2)*(w+2)])
}
