package landscape

// water is a lake or the sea from the horizon down: it mirrors the layers
// behind it and the sky, broken up by waves that shrink towards the horizon.
type water struct {
	index      int // its place among the layers: it mirrors those before it
	deep, near rgb // colour seen straight down far and near
	ripple     int64
	glitter    int64 // sun glitter's strength
	shore      *land // the land it laps against, for surf; nil for none
	foam       int64 // surf's width
	tops       []int64
}

func (w *water) top() []int64 { return w.tops }

func (w *water) finish(g *gen) {
	w.tops = make([]int64, g.w)
	for x := range w.tops {
		w.tops[x] = g.hz
	}
}

func (w *water) shade(g *gen, x int, X, Y int64) (rgb, uint8, bool) {
	dd := max(Y-g.hz, g.px)
	pz := div(fx(1, 5), dd)
	u, v := mul(X-g.cx, pz), pz
	// Waves: long along x, short in depth; their slope bends the mirror.
	oct := octaves(div(pz*6, dd), g.h, 4)
	wave := fbm2(0x3a7e, u*3, v*12, oct)
	waveX := fbm2(0x3a7f, u*3, v*12, oct)
	bend := mul(wave, mul(dd, w.ripple))
	my := 2*g.hz - Y + bend
	mx := X + mul(waveX, mul(dd, w.ripple)/3)
	my = min(my, g.hz-g.px)
	mcol := g.column(mx)
	// The sun's own mirror image is left to the glitter.
	refl, _ := g.at(w.index, mcol, g.xs[mcol], my, false)
	t := smooth(0, fx(1, 2), dd)
	// More mirror far away (grazing view), more water colour near.
	fres := mix(fx(9, 10), fx(9, 20), t)
	base := w.deep.mix(w.near, t)
	c := base.mix(refl, fres)
	// Light on the waves' faces.
	c = c.scale(one + mul(wave, fx(1, 6)))
	if w.glitter > 0 {
		sx := abs(X - g.sky.sunX)
		width := fx(1, 30) + mul(dd, fx(3, 5))
		if sx < width {
			sp := noise2(0x911, u*10, v*40)
			k := mul(one-div(sx, width), w.glitter)
			if sp > fx(1, 4) {
				c = c.add(g.sky.glow.add(g.sky.sunDisc.scale(fx(1, 3))).scale(mul(k, (sp-fx(1, 4))*3)))
			}
		}
	}
	if w.shore != nil && w.foam > 0 {
		gap := w.shore.ground[x] - Y
		edge := w.foam + mul(fbm2(0xf0a, u*4, v*8, 2), w.foam/2)
		if gap >= 0 && gap < edge {
			c = c.mix(hex(0xf4f6f4).times(g.light.lambert(0, one, 0)), smooth(edge, edge/3, gap))
		}
	}
	return c, Water, true
}
