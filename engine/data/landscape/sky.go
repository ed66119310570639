package landscape

// skyStyle is the sky's gradient, sun and clouds.
type skyStyle struct {
	zenith, mid, horizon rgb
	haze                 rgb // the air at the horizon: distant layers fade into it
	sunX, sunY           int64
	sunR                 int64 // the sun disc's radius, 0 when it is not drawn
	sunDisc              rgb
	glow                 rgb   // the sun's glow, added to the sky
	glowSize             int64 // its radius of half strength
	band                 rgb   // a warm band along the horizon under the sun (dusk)
	cloudSeed            uint32
	cover                int64 // cloud cover, about -0.4 (clear) to 0.4 (overcast)
	cloudFreq            int64 // cloud cells per unit of the cloud plane
	stretch              int64 // horizontal stretch of clouds (one is none)
	cloudLit, cloudDark  rgb
	cloudTop             int64   // clouds fade out above this height from the horizon
	heaps                bool    // cumulus in rows, not a layer of streaks
	rows                 []int64 // the rows' bases, as heights above the horizon
}

// skyAt is the sky, with its clouds, at (X, Y); disc says whether to draw
// the sun's disc.
func (g *gen) skyAt(X, Y int64, disc bool) (rgb, uint8) {
	s := &g.sky
	t := clamp(div(Y, g.hz), 0, one)
	var c rgb
	if t < fx(11, 20) {
		c = s.zenith.mix(s.mid, smooth(0, fx(11, 20), t))
	} else {
		c = s.mid.mix(s.horizon, div(t-fx(11, 20), fx(9, 20)))
	}
	dx, dy := X-s.sunX, Y-s.sunY
	d2 := mul(dx, dx) + mul(dy, dy)
	g2 := mul(s.glowSize, s.glowSize)
	c = c.add(s.glow.scale(div(g2, g2+d2)))
	if s.band != (rgb{}) {
		// Warmth hugging the horizon, widest under the sun.
		w := div(fx(1, 4), fx(1, 4)+abs(dx)) * 2 / 3
		c = c.mix(s.band, mul(w, smooth(fx(3, 5), one, t)))
	}
	if disc && s.sunR > 0 && d2 < mul(s.sunR, s.sunR) {
		c = c.add(s.sunDisc)
	}
	dh := g.hz - Y // height above the horizon
	if dh <= g.px || s.cover <= -one {
		return c, Sky
	}
	var cc rgb
	var alpha int64
	if s.heaps {
		cc, alpha = g.heapsAt(X, dh)
	} else {
		cc, alpha = g.streaksAt(X, dh)
	}
	cc = cc.mix(s.horizon, one-smooth(0, fx(1, 4), dh)) // far clouds fade into the haze
	if alpha < half {
		return c.mix(cc, alpha), Sky
	}
	return c.mix(cc, alpha), Cloud
}

// streaksAt is a layer of cloud on a plane overhead: seen towards the
// horizon it shrinks and flattens, as perspective has it. It returns the
// cloud's colour and cover.
func (g *gen) streaksAt(X, dh int64) (rgb, int64) {
	s := &g.sky
	z := div(fx(1, 8), dh)
	u := mul(X-g.cx, z)*s.stretch>>fbits + int64(s.cloudSeed&0xffff)*4
	v := z
	fu, fv := mul(u, s.cloudFreq), mul(v, s.cloudFreq)*2
	oct := octaves(mul(mul(s.cloudFreq, z), fx(3, 1)), g.h, 6)
	dens := fbm2(s.cloudSeed, fu, fv, oct) + s.cover
	// Thinner towards the horizon and above cloudTop.
	dens -= mul(fx(1, 2), one-smooth(0, fx(3, 20), dh))
	dens -= mul(fx(1, 2), smooth(s.cloudTop, s.cloudTop+fx(1, 5), dh))
	if dens <= 0 {
		return rgb{}, 0
	}
	// Lit where the cloud thins towards the sun, dark in its thick core.
	e := fx(1, 5)
	toward := fbm2(s.cloudSeed, fu+mul(g.light.lx, e), fv-e, oct) + s.cover
	lit := clamp(half+(dens-toward)*3-dens/2, 0, one)
	return s.cloudDark.mix(s.cloudLit, lit), smooth(0, fx(1, 5), dens)
}

// heapsAt is cumulus in rows: each row's clouds have flat bases at one
// height above the horizon and domed, billowing tops. Rows higher in the
// sky are nearer, so larger, and hide the rows below them.
func (g *gen) heapsAt(X, dh int64) (rgb, int64) {
	s := &g.sky
	for i := len(s.rows) - 1; i >= 0; i-- {
		seed := s.cloudSeed + uint32(i)*0x51ed27
		size := s.rows[i] * 3 / 4
		if size <= 0 {
			continue
		}
		// Each cloud's base is flat, but not every cloud's at one height.
		base := s.rows[i] + mul(fbm1(seed^0xba5e, mul(X, inv(size))/2, 2), size/5)
		above := dh - base
		if above < 0 || above > size*2 {
			continue
		}
		dens := func(X, above int64) int64 {
			f := inv(size)
			n := fbm2(seed, mul(X, f)*2, mul(above, f)*2, octaves(f*2, g.h, 5))
			where := fbm1(seed^0xa11, mul(X, f)/2, 2)
			h := div(above, size)
			d := where + s.cover + n/2 - mul(mul(h, h), fx(7, 10)) // domed: gone by twice size

			return d - mul(one-smooth(0, size/6, above), fx(1, 4)) // rounded at the base
		}
		d := dens(X, above)
		if d <= 0 {
			continue
		}
		e := size / 5
		toward := dens(X+mul(g.light.lx, e), above+e)
		lit := clamp(half+(d-toward)*2+div(above, size)/4, 0, one)
		return s.cloudDark.mix(s.cloudLit, lit), smooth(0, fx(1, 8), d)
	}
	return rgb{}, 0
}
