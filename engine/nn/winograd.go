package nn

import (
	"sync"

	"tessera/engine/nn/blas"
)

// Winograd convolution for 3x3 stride-1 kernels. Each m×m block of output
// (a tile) is computed from an (m+2)×(m+2) block of input through (m+2)²
// element-wise products in a transform domain; summed over input channels
// those are (m+2)² independent [Out×In]·[In×tiles] matrix products. F(4x4,
// 3x3) does 36/16 = 2.25 multiplies per output and channel pair where the
// direct convolution does 9; F(2x2, 3x3) does 16/4 = 4.

// winoScheme is one F(m×m, 3×3) algorithm.
type winoScheme struct {
	m      int       // output tile side; input tiles are m+2 wide
	points []float64 // the m+1 finite interpolation points (infinity is the last)
	// input transforms every tile of one channel's patch (see fill),
	// storing element k of tile t at v[k*stride+t]; tmp holds
	// inScratch(tw) floats.
	input func(v []float32, stride int, patch, tmp []float32, blk winoBlock)
	// output transforms every tile of one output channel, whose element k
	// of tile t is m[k*stride+t], and adds it into y (oh×ow), cutting tiles
	// off at the edges; tmp holds outScratch(tw) floats.
	output                func(y []float32, oh, ow int, m []float32, stride int, tmp []float32, blk winoBlock)
	inScratch, outScratch func(tw int) int
}

func (s *winoScheme) n() int { return s.m + 2 }
func (s *winoScheme) k() int { return (s.m + 2) * (s.m + 2) }

// winoBudget bounds, in floats, the transform-domain input and output of one
// block of tiles (24 MiB): large feature maps are convolved block by block.
const winoBudget = 6 << 20

// winoScheme picks the Winograd algorithm for the layer, or nil for
// im2col. Winograd needs a 3x3 stride-1 kernel and enough input channels to
// pay for the transforms: at 256x256 with 128 outputs, F(4x4) runs 0.43x
// as fast as im2col from 3 or 8 inputs, 0.87x from 16 and 1.6x from 32.
// F(4x4) caches 36 transformed values per kernel, 4x the kernel,
// so layers past 256×512 channels use F(2x2), which caches 16: for the
// eleven 512→512 layers of the f16 decoder F(4x4) would cache 415 MB and
// take a 1024² decode to 3.1 GB at its peak, F(2x2) caches 185 MB and
// peaks at 2.8 GB (2.4 GB with im2col alone). On 512→512 layers F(2x2)
// is 1.6x as fast as im2col at 16x16 (F(4x4) 1.4x) and 1.8x at 64x64
// (F(4x4) 3.0x).
func (c *Conv2d) winoScheme() *winoScheme {
	switch {
	case c.NoWinograd || c.KH != 3 || c.KW != 3 || c.Stride != 1 || c.In < 32:
		return nil
	case c.In*c.Out > 256*512:
		return &winoF2
	}
	return &winoF4
}

// winoCache holds a layer's weights in the transform domain, computed on
// first use. It assumes Weight does not change after the first forward pass.
type winoCache struct {
	once sync.Once
	s    *winoScheme
	u    []float32 // [k][Out][In]
}

func (c *Conv2d) winoWeights(s *winoScheme) []float32 {
	c.wino.once.Do(func() { c.wino.s, c.wino.u = s, winoTransformWeights(s, c.Weight, c.Out, c.In) })
	if c.wino.s != s {
		panic("nn: Winograd weights cached for another scheme")
	}
	return c.wino.u
}

// winoG is the kernel transform: row j evaluates the kernel polynomial at
// point j, divided by the Lagrange denominator so that the input and output
// transforms keep small, exact coefficients. The last row is the point at
// infinity (the leading coefficient).
func winoG(points []float64) [][3]float64 {
	g := make([][3]float64, len(points)+1)
	for j, p := range points {
		f := 1.0
		for l, q := range points {
			if l != j {
				f *= p - q
			}
		}
		g[j] = [3]float64{1 / f, p / f, p * p / f}
	}
	g[len(points)] = [3]float64{0, 0, 1}
	return g
}

// winoTransformWeights returns G·w·Gᵀ for every (out, in) kernel, laid out
// as k matrices [Out][In], computed in float64 and rounded once. A model's
// first decode pays for this on every layer, so each output channel's
// kernels are transformed into a small buffer and then written out a
// matrix row at a time, not scattered over k matrices.
func winoTransformWeights(s *winoScheme, w []float32, out, in int) []float32 {
	g, n, k := winoG(s.points), s.n(), s.k()
	u := make([]float32, k*out*in)
	For(out, 4, func(o0, o1 int) {
		t := make([]float32, in*k) // one output channel's transforms, [In][k]
		for o := o0; o < o1; o++ {
			for ci := range in {
				kern := w[(o*in+ci)*9:][:9]
				var gw [8][3]float64 // G·w; n is at most 8
				for a := range n {
					for kw := range 3 {
						gw[a][kw] = g[a][0]*float64(kern[kw]) + g[a][1]*float64(kern[3+kw]) + g[a][2]*float64(kern[6+kw])
					}
				}
				tc := t[ci*k:][:k]
				for a := range n {
					for b := range n {
						tc[a*n+b] = float32(gw[a][0]*g[b][0] + gw[a][1]*g[b][1] + gw[a][2]*g[b][2])
					}
				}
			}
			for ab := range k {
				row := u[(ab*out+o)*in:][:in]
				for ci := range row {
					row[ci] = t[ci*k+ab]
				}
			}
		}
	})
	return u
}

// winoBuffers pools the per-block transform-domain buffers and the
// per-worker padded input patches.
var winoBuffers, winoPatches = sync.Pool{New: func() any { return new([]float32) }}, sync.Pool{New: func() any { return new([]float32) }}

func winoPooled(p *sync.Pool, n int) (*[]float32, []float32) {
	b := p.Get().(*[]float32)
	if cap(*b) < n {
		*b = make([]float32, n)
	}
	return b, (*b)[:n]
}

// winograd adds the convolution of one sample (x, In×h×w) to y (Out×oh×ow),
// like forwardOne, with scheme s. budget bounds the transform-domain floats
// of one block of tiles.
func (c *Conv2d) winograd(s *winoScheme, x []float32, h, w int, y []float32, oh, ow int, pro *Prologue, sample, budget int) {
	u := c.winoWeights(s)
	m, k := s.m, s.k()
	tilesY, tilesX := (oh+m-1)/m, (ow+m-1)/m
	maxT := max(1, budget/(k*(c.In+c.Out)))
	// Whole tile rows when they fit, and blocks of about equal size, so
	// every block's products are about as wide.
	bw := winoBalance(tilesX, maxT)
	bh := winoBalance(tilesY, max(1, maxT/bw))

	bufp, buf := winoPooled(&winoBuffers, k*(c.In+c.Out)*bh*bw)
	defer winoBuffers.Put(bufp)
	src := winoSource{x: x, h: h, w: w, pad: c.Pad, pro: pro, bc: sample * c.In}
	for ty0 := 0; ty0 < tilesY; ty0 += bh {
		for tx0 := 0; tx0 < tilesX; tx0 += bw {
			blk := winoBlock{ty0: ty0, tx0: tx0, th: min(bh, tilesY-ty0), tw: min(bw, tilesX-tx0)}
			t := blk.th * blk.tw
			v, mt := buf[:k*c.In*t], buf[k*c.In*t:k*(c.In+c.Out)*t]
			For(c.In, 1, func(c0, c1 int) {
				size := (m*blk.th + 2) * (m*blk.tw + 2)
				pp, patch := winoPooled(&winoPatches, size+s.inScratch(blk.tw))
				for ci := c0; ci < c1; ci++ {
					src.fill(patch[:size], ci, m, blk)
					s.input(v[ci*t:], c.In*t, patch[:size], patch[size:], blk)
				}
				winoPatches.Put(pp)
			})
			for i := range k {
				blas.Sgemm(false, false, c.Out, t, c.In, 1, u[i*c.Out*c.In:], c.In, v[i*c.In*t:], t, 0, mt[i*c.Out*t:], t)
			}
			For(c.Out, 1, func(o0, o1 int) {
				tp, tmp := winoPooled(&winoPatches, s.outScratch(blk.tw))
				for o := o0; o < o1; o++ {
					s.output(y[o*oh*ow:(o+1)*oh*ow], oh, ow, mt[o*t:], c.Out*t, tmp, blk)
				}
				winoPatches.Put(tp)
			})
		}
	}
}

// winoBalance returns the part size when n is cut into as few parts of at
// most most as possible, all about equal.
func winoBalance(n, most int) int {
	parts := (n + most - 1) / most
	return (n + parts - 1) / parts
}

// winoBlock is a rectangle of output tiles: rows ty0.., columns tx0...
type winoBlock struct{ ty0, tx0, th, tw int }

// winoSource reads one sample's input through the padding and prologue.
type winoSource struct {
	x    []float32
	h, w int
	pad  Padding
	pro  *Prologue
	bc   int // index of channel 0 of this sample in the prologue
}

// fill writes into patch the (m·th+2)×(m·tw+2) input values that the
// block's m×m tiles read from channel ci: padding resolved, prologue
// applied. Rows and columns past the padding feed only outputs that are
// cut off, so they wrap or are zero like the padding.
func (s *winoSource) fill(patch []float32, ci, m int, blk winoBlock) {
	rows, cols := m*blk.th+2, m*blk.tw+2
	plane := s.x[ci*s.h*s.w : (ci+1)*s.h*s.w]
	iy0, ix0 := m*blk.ty0-s.pad.Top, m*blk.tx0-s.pad.Left
	// Columns [lo, hi) of the patch lie inside the input.
	lo, hi := max(0, -ix0), max(0, min(cols, s.w-ix0))
	for r := range rows {
		dst := patch[r*cols : (r+1)*cols]
		iy := iy0 + r
		if iy < 0 || iy >= s.h {
			if !s.pad.Circular {
				clear(dst)
				continue
			}
			iy = wrap(iy, s.h)
		}
		row := plane[iy*s.w : (iy+1)*s.w]
		if lo < hi {
			s.copy(dst[lo:hi], row[ix0+lo:ix0+hi], ci)
		}
		s.edge(dst[:min(lo, cols)], row, ix0, ci)
		s.edge(dst[max(lo, hi):], row, ix0+max(lo, hi), ci)
	}
}

// edge fills dst, patch columns outside the input that start at input
// column ix, from the padding.
func (s *winoSource) edge(dst, row []float32, ix, ci int) {
	if !s.pad.Circular {
		clear(dst)
		return
	}
	for i := range dst {
		j := wrap(ix+i, s.w)
		s.copy(dst[i:i+1], row[j:j+1], ci)
	}
}

func (s *winoSource) copy(dst, src []float32, ci int) {
	if s.pro == nil {
		copy(dst, src)
		return
	}
	s.pro.apply(dst, src, s.bc+ci)
}
