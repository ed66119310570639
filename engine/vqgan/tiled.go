package vqgan

import (
	"context"
	"fmt"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// Tiling sets up decoding a large latent in overlapping tiles.
type Tiling struct {
	Tile    int // tile edge in latent cells
	Overlap int // cells shared by neighbouring tiles, blended linearly
}

// DefaultTiling decodes tiles twice the training grid with a quarter overlap.
func (m *Model) DefaultTiling() Tiling {
	g := m.Config.DD.Resolution / m.Config.Factor()
	return Tiling{Tile: 2 * g, Overlap: g / 2}
}

// DecodeTiled decodes zq ([B, embed_dim, h, w]) tile by tile, so memory
// depends on the tile size rather than the image size. Each tile is decoded
// on its own (attention sees only its tile) and overlaps are cross-faded, so
// the result differs slightly from a whole decode; it is the way to make
// images too large to decode at once. progress, if set, is called after each
// tile. Cancelling ctx stops between tiles.
func (m *Model) DecodeTiled(ctx context.Context, zq *tensor.Dense, t Tiling, progress func(done, total int)) (*tensor.Dense, error) {
	if err := checkChannels("decode", zq, m.Config.EmbedDim); err != nil {
		return nil, err
	}
	if t.Tile <= 0 || t.Overlap < 0 || t.Overlap >= t.Tile {
		return nil, fmt.Errorf("vqgan: tiles of %d cells with %d overlap do not work (need 0 <= overlap < tile)", t.Tile, t.Overlap)
	}
	b, c, h, w := nn.Dims4(zq)
	if h <= t.Tile && w <= t.Tile {
		return m.DecodeContext(ctx, zq, nil)
	}
	f := m.Config.Factor()
	outC := m.Config.DD.OutCh
	out := nn.New(b, outC, h*f, w*f)
	weight := make([]float32, h*f*w*f)
	ys, xs := tileStarts(h, t), tileStarts(w, t)
	total, done := len(ys)*len(xs), 0
	for _, y0 := range ys {
		for _, x0 := range xs {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			th, tw := min(t.Tile, h), min(t.Tile, w)
			crop := cropLatent(zq, b, c, h, w, y0, x0, th, tw)
			img, err := m.DecodeContext(ctx, crop, nil)
			nn.Recycle(crop)
			if err != nil {
				return nil, err
			}
			blend(out, weight, img, f, h, w, y0, x0, th, tw, t.Overlap)
			nn.Recycle(img)
			done++
			if progress != nil {
				progress(done, total)
			}
		}
	}
	od := nn.Data(out)
	plane := h * f * w * f
	for i := 0; i < b*outC; i++ {
		p := od[i*plane : (i+1)*plane]
		for j := range p {
			p[j] /= weight[j]
		}
	}
	return out, nil
}

// tileStarts places tiles of t.Tile cells along n cells, neighbours sharing
// t.Overlap cells, the last tile flush with the end.
func tileStarts(n int, t Tiling) []int {
	if n <= t.Tile {
		return []int{0}
	}
	step := t.Tile - t.Overlap
	var starts []int
	for s := 0; ; s += step {
		if s+t.Tile >= n {
			return append(starts, n-t.Tile)
		}
		starts = append(starts, s)
	}
}

func cropLatent(zq *tensor.Dense, b, c, h, w, y0, x0, th, tw int) *tensor.Dense {
	src := nn.Data(zq)
	out := nn.New(b, c, th, tw)
	dst := nn.Data(out)
	for p := 0; p < b*c; p++ {
		for y := 0; y < th; y++ {
			copy(dst[(p*th+y)*tw:(p*th+y+1)*tw], src[(p*h+y0+y)*w+x0:(p*h+y0+y)*w+x0+tw])
		}
	}
	return out
}

// blend adds a decoded tile into the output with a weight that ramps from
// near zero at edges shared with a neighbour up to one past the overlap;
// image borders get full weight.
func blend(out *tensor.Dense, weight []float32, img *tensor.Dense, f, h, w, y0, x0, th, tw, overlap int) {
	b, c, H, W := nn.Dims4(out)
	_, _, ih, iw := nn.Dims4(img)
	od, id := nn.Data(out), nn.Data(img)
	ramp := overlap * f
	wy := rampWeights(ih, ramp, y0 > 0, y0+th < h)
	wx := rampWeights(iw, ramp, x0 > 0, x0+tw < w)
	py, px := y0*f, x0*f
	for y := 0; y < ih; y++ {
		for x := 0; x < iw; x++ {
			weight[(py+y)*W+px+x] += wy[y] * wx[x]
		}
	}
	for p := 0; p < b*c; p++ {
		for y := 0; y < ih; y++ {
			orow := od[(p*H+py+y)*W+px : (p*H+py+y)*W+px+iw]
			irow := id[(p*ih+y)*iw : (p*ih+y+1)*iw]
			for x, v := range irow {
				orow[x] += v * wy[y] * wx[x]
			}
		}
	}
}

func rampWeights(n, ramp int, fadeIn, fadeOut bool) []float32 {
	ws := make([]float32, n)
	for i := range ws {
		v := float32(1)
		if fadeIn && i < ramp {
			v = min(v, float32(i+1)/float32(ramp+1))
		}
		if fadeOut && n-1-i < ramp {
			v = min(v, float32(n-i)/float32(ramp+1))
		}
		ws[i] = v
	}
	return ws
}
