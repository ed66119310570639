package landscape

import "image"

// gen is one landscape being drawn: the sky, then layers from the farthest
// to the nearest. A pixel shows the nearest layer that covers it.
type gen struct {
	w, h   int
	W      int64   // the image width in units of its height
	x0, cx int64   // x at the image's left edge and at its centre
	px     int64   // one pixel in units
	xs     []int64 // each column's centre, in units
	hz     int64   // the horizon
	sky    skyStyle
	light  lighting
	layers []layer
	tops   [][]int64 // tops[i][x]: the highest y layer i reaches in column x
}

type layer interface {
	// top is the highest y the layer reaches in each column (no part of
	// it is above).
	top() []int64
	// shade is the colour and label of the layer at a pixel, ok false
	// where the layer does not cover it after all (between treetops).
	shade(g *gen, x int, X, Y int64) (c rgb, label uint8, ok bool)
}

// lighting is a directional sun plus the sky's ambient light.
type lighting struct {
	lx, ly, lz int64 // towards the sun, unit length: right, up, towards the viewer
	sun, amb   rgb
}

// lambert is the light falling on a surface of (unit) normal n.
func (l *lighting) lambert(nx, ny, nz int64) rgb {
	d := (nx*l.lx + ny*l.ly + nz*l.lz) >> fbits
	// Half-wrapped diffuse: faces turned away still catch a little light.
	d = clamp((d+one/4)*4/5, 0, one)
	return l.amb.add(l.sun.scale(d))
}

// normal makes a unit vector of (x, y, z).
func normal(x, y, z int64) (int64, int64, int64) {
	n := sqrtf(mul(x, x) + mul(y, y) + mul(z, z))
	if n == 0 {
		return 0, 0, one
	}
	return div(x, n), div(y, n), div(z, n)
}

// origin is x at the centre of every view: a wider image shows more of the
// same landscape on both sides. It keeps all x positive.
const origin = 1 << 14 * one

func newGen(w, h int) *gen {
	g := &gen{w: w, h: h, W: int64(w) * one / int64(h), px: one / int64(h), xs: make([]int64, w)}
	if g.px == 0 {
		g.px = 1
	}
	g.cx, g.x0 = origin, origin-g.W/2
	for x := range g.xs {
		g.xs[x] = g.x0 + g.unit(x)
	}
	return g
}

// unit is the centre of pixel column or row i, in units.
func (g *gen) unit(i int) int64 { return (2*int64(i) + 1) * one / (2 * int64(g.h)) }

// column is the pixel column of X, clamped to the image.
func (g *gen) column(X int64) int {
	c := int((X - g.x0) * int64(g.h) >> fbits)
	if c < 0 {
		return 0
	}
	if c >= g.w {
		return g.w - 1
	}
	return c
}

func (g *gen) add(l layer) {
	g.layers = append(g.layers, l)
	g.tops = append(g.tops, l.top())
}

// at is what the layers below index n (and the sky) show at a pixel;
// direct is false for a reflection, which leaves out the sun's disc.
func (g *gen) at(n, x int, X, Y int64, direct bool) (rgb, uint8) {
	for i := n - 1; i >= 0; i-- {
		if Y >= g.tops[i][x] {
			if c, l, ok := g.layers[i].shade(g, x, X, Y); ok {
				return c, l
			}
		}
	}
	return g.skyAt(X, Y, direct)
}

func (g *gen) render(img *image.NRGBA, labels []uint8) {
	for y := 0; y < g.h; y++ {
		Y := g.unit(y)
		row := img.Pix[y*img.Stride:]
		for x := 0; x < g.w; x++ {
			c, l := g.at(len(g.layers), x, g.xs[x], Y, true)
			labels[y*g.w+x] = l
			// A hashed dither breaks up banding in the sky's gradients.
			d := int64(hash(0xd17e, int64(x), int64(y)) >> (32 - fbits))
			p := row[4*x : 4*x+4 : 4*x+4]
			p[0], p[1], p[2], p[3] = byte8(c.r, d), byte8(c.g, d), byte8(c.b, d), 255
		}
	}
}
