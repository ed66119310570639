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
	cloudTop             int64 // clouds fade out above this height from the horizon
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
	// Clouds lie on a plane overhead: seen towards the horizon they shrink
	// and flatten, as perspective has it.
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
		return c, Sky
	}
	alpha := smooth(0, fx(1, 5), dens)
	// Lit where the cloud thins towards the sun, dark in its thick core.
	e := fx(1, 5)
	toward := fbm2(s.cloudSeed, fu+mul(g.light.lx, e), fv-e, oct) + s.cover
	lit := clamp(half+(dens-toward)*3-dens/2, 0, one)
	cc := s.cloudDark.mix(s.cloudLit, lit)
	cc = cc.mix(s.horizon, one-smooth(0, fx(1, 4), dh)) // hazy far clouds
	if alpha < half {
		return c.mix(cc, alpha), Sky
	}
	return c.mix(cc, alpha), Cloud
}
