package nn

import (
	"sync"

	"tessera/engine/nn/blas"
)

// Winograd F(4x4, 3x3) for 3x3 stride-1 convolutions. Each 4x4 block of
// output is computed from a 6x6 block of input through 36 element-wise
// products in a transform domain; summed over input channels those products
// are 36 independent [Out×In]·[In×tiles] matrix products, 2.25 multiplies
// per output and tap row instead of 9.
//
// The interpolation points are 0, 1, -1, 1/2, -2 and infinity. Against the
// usual 0, ±1, ±2 they halve the float32 error at 512 input channels (the
// transform-domain values spread less), for the same transform cost.
var winoPoints = [5]float64{0, 1, -1, 0.5, -2}

const (
	winoM = 4         // output tile side
	winoN = winoM + 2 // input tile side
	winoK = winoN * winoN
)

// winoBudget bounds, in floats, the transform-domain input and output of one
// block of tiles (24 MiB): large feature maps are convolved block by block.
const winoBudget = 6 << 20

// winoCache holds a layer's weights in the transform domain, computed on
// first use. It assumes Weight does not change after the first forward pass.
type winoCache struct {
	once sync.Once
	u    []float32 // [winoK][Out][In]
}

func (c *Conv2d) winoWeights() []float32 {
	c.wino.once.Do(func() { c.wino.u = winoTransformWeights(c.Weight, c.Out, c.In) })
	return c.wino.u
}

// winoG is the kernel transform: row j evaluates the kernel polynomial at
// point j, divided by the Lagrange denominator so that the input and output
// transforms keep small, exact coefficients. The last row is the point at
// infinity (the leading coefficient).
func winoG() (g [winoN][3]float64) {
	for j, p := range winoPoints {
		f := 1.0
		for l, q := range winoPoints {
			if l != j {
				f *= p - q
			}
		}
		g[j] = [3]float64{1 / f, p / f, p * p / f}
	}
	g[winoN-1] = [3]float64{0, 0, 1}
	return g
}

// winoTransformWeights returns G·w·Gᵀ for every (out, in) kernel, laid out
// as winoK matrices [Out][In], computed in float64 and rounded once.
func winoTransformWeights(w []float32, out, in int) []float32 {
	g := winoG()
	u := make([]float32, winoK*out*in)
	For(out, 4, func(o0, o1 int) {
		for o := o0; o < o1; o++ {
			for ci := 0; ci < in; ci++ {
				k := w[(o*in+ci)*9 : (o*in+ci)*9+9]
				var gw [winoN][3]float64 // G·w
				for a := range winoN {
					for kw := range 3 {
						gw[a][kw] = g[a][0]*float64(k[kw]) + g[a][1]*float64(k[3+kw]) + g[a][2]*float64(k[6+kw])
					}
				}
				for a := range winoN {
					for b := range winoN {
						v := gw[a][0]*g[b][0] + gw[a][1]*g[b][1] + gw[a][2]*g[b][2]
						u[((a*winoN+b)*out+o)*in+ci] = float32(v)
					}
				}
			}
		}
	})
	return u
}

// winoBuffers pools the per-block transform-domain buffers and the
// per-worker padded input patches.
var winoBuffers, winoPatches = sync.Pool{New: func() any { return new([]float32) }}, sync.Pool{New: func() any { return new([]float32) }}

func pooled(p *sync.Pool, n int) (*[]float32, []float32) {
	b := p.Get().(*[]float32)
	if cap(*b) < n {
		*b = make([]float32, n)
	}
	return b, (*b)[:n]
}

// winograd adds the convolution of one sample (x, In×h×w) to y (Out×oh×ow),
// like forwardOne, for a 3x3 stride-1 kernel. budget bounds the
// transform-domain floats of one block of tiles.
func (c *Conv2d) winograd(x []float32, h, w int, y []float32, oh, ow int, pro *Prologue, sample, budget int) {
	u := c.winoWeights()
	tilesY, tilesX := (oh+winoM-1)/winoM, (ow+winoM-1)/winoM
	maxT := max(1, budget/(winoK*(c.In+c.Out)))
	// Whole tile rows when they fit, and blocks of about equal size, so
	// every block's products are about as wide.
	bw := balance(tilesX, maxT)
	bh := balance(tilesY, max(1, maxT/bw))

	bufp, buf := pooled(&winoBuffers, winoK*(c.In+c.Out)*bh*bw)
	defer winoBuffers.Put(bufp)
	src := winoSource{x: x, h: h, w: w, pad: c.Pad, pro: pro, bc: sample * c.In}
	for ty0 := 0; ty0 < tilesY; ty0 += bh {
		for tx0 := 0; tx0 < tilesX; tx0 += bw {
			blk := winoBlock{ty0: ty0, tx0: tx0, th: min(bh, tilesY-ty0), tw: min(bw, tilesX-tx0)}
			t := blk.th * blk.tw
			v, m := buf[:winoK*c.In*t], buf[winoK*c.In*t:winoK*(c.In+c.Out)*t]
			For(c.In, 1, func(c0, c1 int) {
				size := (winoM*blk.th + 2) * (winoM*blk.tw + 2)
				pp, patch := pooled(&winoPatches, size+winoN*winoTmpCols(blk.tw))
				for ci := c0; ci < c1; ci++ {
					src.fill(patch[:size], ci, blk)
					winoInputTiles(v[ci*t:], c.In*t, patch[:size], patch[size:], blk)
				}
				winoPatches.Put(pp)
			})
			for k := range winoK {
				blas.Sgemm(false, false, c.Out, t, c.In, 1, u[k*c.Out*c.In:], c.In, v[k*c.In*t:], t, 0, m[k*c.Out*t:], t)
			}
			For(c.Out, 1, func(o0, o1 int) {
				tp, tmp := pooled(&winoPatches, winoM*winoN*blk.tw)
				for o := o0; o < o1; o++ {
					winoOutputTiles(y[o*oh*ow:(o+1)*oh*ow], oh, ow, m[o*t:], c.Out*t, tmp, blk)
				}
				winoPatches.Put(tp)
			})
		}
	}
}

// balance returns the size of the parts when n is cut into as few parts of
// at most most as possible, all about equal.
func balance(n, most int) int {
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

// fill writes into patch the (4·th+2)×(4·tw+2) input values the block's
// tiles read from channel ci: padding resolved, prologue applied. Rows and
// columns past the padding feed only outputs that are cut off, so they wrap
// or are zero like the padding.
func (s *winoSource) fill(patch []float32, ci int, blk winoBlock) {
	rows, cols := winoM*blk.th+2, winoM*blk.tw+2
	plane := s.x[ci*s.h*s.w : (ci+1)*s.h*s.w]
	iy0, ix0 := winoM*blk.ty0-s.pad.Top, winoM*blk.tx0-s.pad.Left
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

// winoInputTiles transforms every 6x6 tile of one channel's patch (Bᵀ·d·B)
// and stores element k of tile t at v[k*stride + t]. Both passes run along
// whole rows: Bᵀ down the columns of a strip of six patch rows into tmp,
// then B across each tile of those rows, so loads and stores stream
// through contiguous memory. tmp holds six rows of winoTmpCols(tw).
func winoInputTiles(v []float32, stride int, patch, tmp []float32, blk winoBlock) {
	cols, tc := winoM*blk.tw+2, winoTmpCols(blk.tw)
	for ty := range blk.th {
		winoInCols(tmp, tc, patch[winoM*ty*cols:], cols, cols)
		for a := range winoN {
			winoInTiles(v[a*winoN*stride+ty*blk.tw:], stride, tmp[a*tc:(a+1)*tc], blk.tw)
		}
	}
}

// winoTmpCols is the row length of the input transform's scratch: a
// strip's columns plus the slack winoInTiles may read past the last tile.
func winoTmpCols(tw int) int { return winoM*tw + 4 }

// winoOutputTiles applies Aᵀ·m·A to every tile of one output channel, whose
// element k of tile t is m[k*stride + t], and adds the 4x4 results into y
// (oh×ow), cutting tiles off at the edges. Aᵀ runs down the columns first
// into tmp (24 rows of tw: row i*6+b holds result row i, column b), then
// across the tiles straight into four rows of y.
func winoOutputTiles(y []float32, oh, ow int, m []float32, stride int, tmp []float32, blk winoBlock) {
	tw, ox := blk.tw, winoM*blk.tx0
	full := min(tw, (ow-ox)/winoM) // tiles wholly inside the output
	for ty := range blk.th {
		for b := range winoN {
			winoOutCols(tmp[b*tw:], winoN*tw, m[b*stride+ty*tw:], winoN*stride, tw)
		}
		oy := winoM * (blk.ty0 + ty)
		for i := range min(winoM, oh-oy) {
			row, r := y[(oy+i)*ow+ox:(oy+i+1)*ow], tmp[i*winoN*tw:]
			winoOutTilesAdd(row, r, tw, full)
			if full < tw {
				// The last tile sticks out past the right edge.
				var o [winoM]float32
				o[0], o[1], o[2], o[3] = winoOut1(r[full], r[tw+full], r[2*tw+full], r[3*tw+full], r[4*tw+full], r[5*tw+full])
				for j, e := range row[winoM*full:] {
					row[winoM*full+j] = e + o[j]
				}
			}
		}
	}
}

// winogradFits reports whether the Winograd path should compute this layer:
// 3x3 stride-1 kernels with enough input channels to pay for the
// transforms (with 8 or fewer, as for an RGB input, im2col is faster).
//
// The kernel cache is 4x the kernel, so layers past 256×512 channels stay
// on im2col although Winograd runs them 2x faster: the eleven 512→512
// layers of the f16 decoder would cache 415 MB and take a 1024² decode
// from 2.6 GB to 3.1 GB at its peak.
func (c *Conv2d) winogradFits() bool {
	return c.KH == 3 && c.KW == 3 && c.Stride == 1 && c.In >= 16 && c.In*c.Out <= 256*512
}
