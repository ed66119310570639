package landscape

// The scenes: each draws its layout, palette and light from the seed.

// timeOfDay sets the sky and the light.
type timeOfDay int

const (
	day timeOfDay = iota
	golden
	sunset
	overcast
	misty
)

// pick draws an index with the given weights (in percent).
func pick(r *rng, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.intn(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func build(seed int64, w, h int, scene Scene) *gen {
	g := newGen(w, h)
	r := newRNG(seed, uint64(scene)+1)
	switch scene {
	case Alpine:
		g.alpine(r, timeOfDay(pick(r, 60, 25, 0, 15)))
	case Coast:
		g.coast(r, timeOfDay(pick(r, 55, 35, 0, 10)))
	case Desert:
		g.desert(r, timeOfDay(pick(r, 60, 40)))
	case Dusk:
		switch pick(r, 25, 30, 25, 20) {
		case 0:
			g.alpine(r, sunset)
		case 1:
			g.lake(r, sunset)
		case 2:
			g.coast(r, sunset)
		default:
			g.meadow(r, sunset)
		}
		// Flowers do not show in the dusk light: none are drawn or labelled.
		for _, l := range g.layers {
			if l, ok := l.(*land); ok {
				l.flowers = 0
			}
		}
	case Forest:
		g.forest(r, timeOfDay(pick(r, 50, 0, 0, 20, 30)))
	case Lake:
		g.lake(r, timeOfDay(pick(r, 50, 20, 0, 0, 30)))
	case Meadow:
		g.meadow(r, timeOfDay(pick(r, 70, 20, 0, 10)))
	}
	return g
}

// setSky draws the sky and the light for a time of day; clouds sets the
// cover's typical amount.
func (g *gen) setSky(r *rng, t timeOfDay, clouds int64) {
	s := &g.sky
	j := fx(1, 25)
	s.sunX = g.cx + mul(g.W, r.between(-fx(2, 5), fx(2, 5)))
	s.cloudSeed = r.u32()
	s.cover = clouds + r.between(-fx(1, 4), fx(1, 4))
	s.cloudFreq = r.between(2*one, 4*one)
	s.stretch = one
	if r.chance(fx(1, 3)) {
		s.stretch = r.between(fx(1, 4), fx(1, 2)) // streaks rather than heaps
	}
	s.cloudTop = r.between(fx(1, 4), fx(3, 5))
	if t != overcast && r.chance(fx(1, 2)) {
		s.heaps = true
		for _, k := range []int64{fx(1, 8), fx(3, 10), fx(11, 20)} {
			s.rows = append(s.rows, mul(g.hz, k+r.between(-fx(1, 20), fx(1, 20))))
		}
	}
	var lx, ly, lz int64
	side := div(s.sunX-g.cx, max(g.W/2, 1))
	switch t {
	case day, misty:
		s.zenith = hex(0x2f64b0).jitter(r, j)
		s.horizon = hex(0xb4d2ee).jitter(r, j)
		s.haze = s.horizon.mix(hex(0xc8d8e6), half)
		if t == misty {
			s.horizon = hex(0xdde4ea).jitter(r, j)
			s.haze = hex(0xd4dde3).jitter(r, j/2)
			s.zenith = s.zenith.mix(s.horizon, fx(1, 3))
		}
		s.sunY = -r.between(fx(1, 10), fx(1, 2))
		s.glow, s.glowSize = hex(0xfff2d8).scale(fx(1, 4)), fx(1, 3)
		s.cloudLit, s.cloudDark = hex(0xfbfbf8), hex(0x9aa6b8).jitter(r, j)
		g.light.sun, g.light.amb = hex(0xfff0d6).scale(fx(9, 10)), s.zenith.mix(hex(0xffffff), half).scale(fx(2, 5))
		// The sun is out of view: light comes from either side.
		lx, ly, lz = r.between(fx(1, 2), fx(9, 10)), fx(11, 20), fx(9, 20)
		if r.chance(half) {
			lx = -lx
		}
	case golden:
		s.zenith = hex(0x4a6aa4).jitter(r, j)
		s.horizon = hex(0xf4c68e).jitter(r, j)
		s.haze = hex(0xe8c6a4).jitter(r, j)
		s.band = hex(0xffc488)
		s.sunY = g.hz - r.between(fx(1, 20), fx(1, 4))
		s.sunR, s.sunDisc = fx(1, 40), hex(0xfff0d0)
		s.glow, s.glowSize = hex(0xffb060).scale(fx(3, 5)), fx(1, 4)
		s.cloudLit, s.cloudDark = hex(0xffe0b8), hex(0x8c8aa8).jitter(r, j)
		g.light.sun, g.light.amb = hex(0xffc890), hex(0x7c8cb8).scale(fx(9, 20))
		lx, ly, lz = mul(side, fx(9, 10)), fx(1, 4), fx(1, 10)
	case sunset:
		s.zenith = hex(0x1c2452).jitter(r, j)
		s.horizon = hex(0xff9a50).jitter(r, j)
		s.haze = hex(0xc88078).jitter(r, j)
		s.band = hex(0xff7838)
		s.sunY = g.hz - r.between(0, fx(1, 12))
		s.sunR, s.sunDisc = fx(1, 32), hex(0xffe6a8)
		s.glow, s.glowSize = hex(0xff8a40).scale(fx(4, 5)), fx(1, 5)
		s.cloudLit, s.cloudDark = hex(0xffa070), hex(0x4a3a6a).jitter(r, j)
		g.light.sun, g.light.amb = hex(0xff9050).scale(fx(3, 5)), hex(0x6a5a90).scale(fx(1, 2))
		lx, ly, lz = mul(side, fx(9, 10)), fx(1, 8), -fx(2, 5)
	case overcast:
		s.zenith = hex(0x8894a4).jitter(r, j)
		s.horizon = hex(0xcdd3d8).jitter(r, j)
		s.haze = hex(0xc4cacf).jitter(r, j)
		s.cover = fx(3, 10) + r.between(0, fx(1, 5))
		s.sunY = -fx(1, 2)
		s.cloudLit, s.cloudDark = hex(0xe4e6e8), hex(0x7c8490).jitter(r, j)
		g.light.sun, g.light.amb = hex(0xffffff).scale(fx(3, 10)), hex(0xc0c8d0).scale(fx(7, 10))
		lx, ly, lz = mul(side, fx(1, 2)), fx(4, 5), fx(1, 2)
	}
	s.mid = s.zenith.mix(s.horizon, fx(11, 20))
	if t == sunset {
		s.mid = hex(0x7a4c7c).jitter(r, j)
	}
	g.light.lx, g.light.ly, g.light.lz = normal(lx, ly, lz)
}

// Colours shared by the scenes.
var (
	snowAlb    = hex(0xe4e8f0)
	rockAlb    = hex(0x78726c)
	conAlb     = hex(0x2a4a30)
	leafAlb    = hex(0x41702c)
	flowerSets = [][3]rgb{
		{hex(0xf4f0e8), hex(0xf0d040), hex(0xa070e0)},
		{hex(0xf0d040), hex(0xf4f0e8), hex(0xe85050)},
		{hex(0xf090c8), hex(0x8090f0), hex(0xf4f0e8)},
		{hex(0xf8e060), hex(0xf4f0e8), hex(0xf8e060)},
	}
)

func (g *gen) mountains(r *rng, base, height, freq, haze int64, alb, low rgb, snow int64) *ridge {
	m := &ridge{seed: r.u32(), profile: peaks, base: base, height: height, freq: freq, label: Mountain,
		alb: alb.jitter(r, fx(1, 20)), low: low.jitter(r, fx(1, 20)), snowLine: snow, snow: snowAlb,
		rock: alb.scale(fx(4, 5)).mix(rockAlb, fx(1, 3)), relief: fx(2, 5), haze: haze, mist: fx(1, 6), steep: fx(6, 5), texture: fx(1, 10)}
	return m
}

func (g *gen) addRidge(m *ridge) {
	m.finish(g)
	g.add(m)
}

func (g *gen) addLand(l *land) {
	l.finish(g)
	g.add(l)
}

// plain is flat ground at the horizon, so nothing below it shows sky.
func (g *gen) plain(r *rng, surface uint8, alb, alb2 rgb, forest bool) {
	l := &land{seed: r.u32(), base: g.hz, surface: surface, alb: alb, alb2: alb2, haze: fx(1, 2), treeSize: fx(1, 80)}
	if forest {
		l.band, l.forest, l.conifers = one, conAlb.mix(g.sky.haze, fx(1, 5)), one
	}
	g.addLand(l)
}

func (g *gen) addWater(r *rng, deep, near rgb, shore *land) {
	w := &water{index: len(g.layers), deep: deep.jitter(r, fx(1, 30)), near: near.jitter(r, fx(1, 30)),
		ripple: r.between(fx(1, 12), fx(1, 5)), shore: shore}
	if g.sky.sunR > 0 || r.chance(fx(1, 4)) {
		w.glitter = r.between(fx(1, 2), one)
	}
	w.finish(g)
	g.add(w)
}

func (g *gen) alpine(r *rng, t timeOfDay) {
	g.hz = r.between(fx(13, 25), fx(2, 3))
	g.setSky(r, t, -fx(1, 5))
	lake := r.chance(fx(7, 20))
	if r.chance(fx(7, 10)) {
		g.addRidge(g.mountains(r, g.hz+fx(1, 50), r.between(fx(4, 25), fx(7, 25)), r.between(fx(5, 2), 4*one),
			fx(11, 20), hex(0x7c8aa0), hex(0x5c6a78), r.between(fx(7, 20), fx(3, 5))))
	}
	main := g.mountains(r, g.hz+fx(1, 25), r.between(fx(3, 10), fx(9, 20)), r.between(fx(11, 10), fx(19, 10)),
		fx(1, 20), hex(0x8a8e96), hex(0x56604e), r.between(fx(2, 5), fx(31, 50)))
	main.rockFaces, main.relief, main.mist, main.steep = true, fx(1, 2), fx(1, 12), fx(8, 5)
	g.addRidge(main)
	if !lake {
		g.plain(r, Grass, hex(0x58804a), hex(0x4a7040), true)
	}
	rows := 1 + r.intn(2)
	for i := range rows {
		k := int64(i) * one / 2
		l := &land{seed: r.u32(), base: g.hz - fx(1, 50) + mul(k, fx(1, 25)), amp: r.between(fx(1, 50), fx(1, 20)),
			freq: r.between(2*one, 5*one), surface: Grass, alb: hex(0x5f8a3c), alb2: hex(0x7a9a48),
			forest: conAlb.jitter(r, fx(1, 25)), conifers: one, treeSize: fx(3, 100) + mul(k, fx(3, 100)),
			haze: fx(3, 20) - mul(k, fx(1, 10)), mist: fx(1, 10)}
		l.band = mul(l.treeSize, r.between(fx(3, 2), 3*one))
		l.plant(g, r.u32(), planting{size: l.treeSize, spacing: fx(1, 4), conifers: one, density: fx(9, 10), depth: l.treeSize / 2,
			conAlb: l.forest})
		g.addLand(l)
	}
	fg := &land{seed: r.u32(), minTop: g.hz + fx(1, 50), freq: r.between(one, 3*one), surface: Grass, alb: hex(0x5e8636).jitter(r, fx(1, 20)),
		alb2: hex(0x7e9444).jitter(r, fx(1, 20)), treeSize: fx(1, 4)}
	if r.chance(fx(3, 5)) {
		fg.flowers, fg.flowerCols = r.between(-fx(1, 4), fx(1, 10)), flowerSets[r.intn(len(flowerSets))]
	}
	if lake {
		g.addWater(r, hex(0x1c4458), hex(0x2a5e6a), nil)
		fg.base, fg.amp, fg.tilt = g.hz+r.between(fx(3, 20), fx(3, 10)), r.between(fx(1, 50), fx(1, 20)), r.between(-fx(1, 8), fx(1, 8))
	} else {
		fg.base, fg.amp = g.hz+r.between(fx(1, 25), fx(3, 20)), r.between(fx(1, 50), fx(1, 15))
	}
	fg.plant(g, r.u32(), planting{size: r.between(fx(1, 5), fx(2, 5)), spacing: fx(1, 2), conifers: one, density: fx(1, 5),
		cluster: fx(4, 5), depth: fx(1, 10), boulders: fx(1, 8), conAlb: conAlb, rockAlb: rockAlb})
	g.addLand(fg)
}

func (g *gen) lake(r *rng, t timeOfDay) {
	g.hz = r.between(fx(9, 20), fx(3, 5))
	g.setSky(r, t, -fx(1, 5))
	snow := one * 2
	if r.chance(fx(3, 5)) {
		snow = r.between(fx(1, 2), fx(3, 4))
	}
	if r.chance(fx(3, 5)) {
		g.addRidge(g.mountains(r, g.hz+fx(1, 50), r.between(fx(3, 25), fx(6, 25)), r.between(2*one, 4*one),
			fx(1, 2), hex(0x7888a0), hex(0x5a6a7a), snow))
	}
	main := g.mountains(r, g.hz+fx(1, 50), r.between(fx(4, 25), fx(8, 25)), r.between(one, 2*one),
		fx(3, 20), hex(0x707a84), hex(0x445440), snow+fx(1, 10))
	main.rockFaces = r.chance(half)
	g.addRidge(main)
	shore := &land{seed: r.u32(), base: g.hz - fx(1, 200), amp: r.between(fx(1, 100), fx(1, 40)), freq: r.between(2*one, 5*one),
		surface: Grass, alb: hex(0x6a8a40), alb2: hex(0x8a9a50), band: r.between(fx(1, 50), fx(1, 20)),
		forest: conAlb.mix(leafAlb, r.frac()/2).jitter(r, fx(1, 25)), conifers: r.between(fx(1, 2), one),
		treeSize: r.between(fx(1, 60), fx(1, 30)), haze: fx(1, 5)}
	shore.plant(g, r.u32(), planting{size: shore.treeSize, spacing: fx(1, 4), conifers: shore.conifers, density: fx(4, 5),
		cluster: fx(1, 3), depth: shore.treeSize / 3, conAlb: conAlb, leafAlb: leafAlb})
	g.addLand(shore)
	fg := &land{seed: r.u32(), minTop: g.hz + fx(1, 50), base: g.hz + r.between(fx(1, 6), fx(7, 20)), amp: r.between(fx(1, 50), fx(1, 20)),
		freq: r.between(one, 3*one), tilt: r.between(-fx(1, 6), fx(1, 6)), treeSize: fx(1, 4)}
	if r.chance(fx(3, 10)) {
		fg.surface, fg.alb, fg.alb2 = Sand, hex(0xcdb68a).jitter(r, fx(1, 25)), hex(0xbca47a)
		fg.wet, fg.wetAlb = r.between(fx(1, 100), fx(1, 40)), hex(0x9c8464)
	} else {
		fg.surface, fg.alb, fg.alb2 = Grass, hex(0x5e8a3a).jitter(r, fx(1, 20)), hex(0x7c9a48).jitter(r, fx(1, 20))
		if r.chance(fx(2, 5)) {
			fg.flowers, fg.flowerCols = r.between(-fx(1, 4), 0), flowerSets[r.intn(len(flowerSets))]
		}
	}
	g.addWater(r, hex(0x1e4a5e), hex(0x2e6470), fg)
	fg.plant(g, r.u32(), planting{size: r.between(fx(1, 5), fx(9, 20)), spacing: fx(2, 5), conifers: r.frac(), density: fx(3, 10),
		cluster: one, depth: fx(1, 20), boulders: fx(1, 6), conAlb: conAlb, leafAlb: leafAlb, rockAlb: rockAlb})
	g.addLand(fg)
}

func (g *gen) coast(r *rng, t timeOfDay) {
	g.hz = r.between(fx(21, 50), fx(3, 5))
	g.setSky(r, t, -fx(3, 20))
	side := one
	if r.chance(half) {
		side = -one
	}
	if r.chance(half) {
		hd := &ridge{seed: r.u32(), profile: headland, side: side, edge: mul(g.W, r.between(fx(1, 4), fx(7, 10))),
			base: g.hz + fx(1, 100), height: r.between(fx(1, 25), fx(3, 25)), freq: r.between(2*one, 4*one),
			label: Mountain, alb: hex(0x788a78), low: hex(0x607060), snowLine: 2 * one, haze: fx(11, 20), steep: one, texture: fx(1, 5)}
		g.addRidge(hd)
	}
	beach := &land{seed: r.u32(), minTop: g.hz + fx(1, 50), base: g.hz + r.between(fx(3, 20), fx(3, 10)), amp: r.between(fx(1, 100), fx(1, 30)),
		freq: r.between(one, 2*one), tilt: r.between(-fx(1, 4), fx(1, 4)), surface: Sand,
		alb: hex(0xe2cc98).jitter(r, fx(1, 25)), alb2: hex(0xd2b482).jitter(r, fx(1, 25)),
		wet: r.between(fx(1, 60), fx(1, 25)), wetAlb: hex(0xa88e68), treeSize: fx(1, 10)}
	g.addWater(r, hex(0x1a5474), hex(0x2a8890), beach)
	g.layers[len(g.layers)-1].(*water).foam = r.between(fx(1, 100), fx(1, 40))
	if r.chance(fx(2, 5)) {
		cl := &ridge{seed: r.u32(), profile: cliff, side: -side, edge: mul(g.W, r.between(fx(1, 6), fx(2, 5))),
			base: g.hz + fx(1, 5), height: r.between(fx(3, 10), fx(1, 2)), freq: r.between(one, 3*one),
			label: Rock, alb: hex(0x9a8a74).jitter(r, fx(1, 20)), low: hex(0x6a5c4e), snowLine: 2 * one, banded: true,
			grassCap: r.between(fx(1, 50), fx(1, 25)), capAlb: hex(0x7a9a48), rock: rockAlb, relief: fx(1, 2),
			haze: fx(1, 20), steep: fx(3, 2), texture: fx(1, 4)}
		g.addRidge(cl)
	}
	beach.plant(g, r.u32(), planting{size: fx(1, 10), spacing: fx(2, 3), density: 0, boulders: fx(1, 12), depth: fx(1, 5), rockAlb: rockAlb})
	g.addLand(beach)
}

func (g *gen) desert(r *rng, t timeOfDay) {
	g.hz = r.between(fx(1, 2), fx(33, 50))
	g.setSky(r, t, -fx(9, 20))
	g.sky.horizon = g.sky.horizon.mix(hex(0xf0e2cc), fx(2, 5))
	g.sky.haze = g.sky.haze.mix(hex(0xe8d8c0), half)
	if r.chance(half) {
		g.addRidge(g.mountains(r, g.hz+fx(1, 50), r.between(fx(2, 25), fx(6, 25)), r.between(fx(3, 2), 3*one),
			fx(11, 20), hex(0xb09080), hex(0x9a7a6a), 2*one))
	}
	if r.chance(fx(3, 4)) {
		ms := &ridge{seed: r.u32(), profile: plateau, base: g.hz + fx(1, 100), height: r.between(fx(2, 25), fx(1, 5)),
			freq: r.between(fx(4, 5), fx(8, 5)), label: Rock, alb: hex(0xc0704a).jitter(r, fx(1, 20)),
			low: hex(0x985038).jitter(r, fx(1, 20)), snowLine: 2 * one, banded: true, rock: hex(0xa06040),
			haze: fx(3, 10), mist: fx(1, 10), steep: fx(3, 2), texture: fx(1, 5)}
		g.addRidge(ms)
	}
	g.plain(r, Sand, hex(0xd8aa70), hex(0xc89a60), false)
	sand := hex(0xe4b474).jitter(r, fx(1, 25))
	rows := 2 + r.intn(3)
	for i := range rows {
		// Rows of crests, each nearer one lower on the screen, larger and clearer.
		k := int64(i) * one / int64(rows)
		d := &ridge{seed: r.u32(), profile: dunes, base: g.hz + fx(1, 50) + mul(k, fx(3, 20)),
			height: r.between(fx(1, 40), fx(1, 20)) + mul(k, fx(1, 20)), freq: r.between(one, 2*one) - mul(k, fx(1, 2)),
			label: Sand, alb: sand, low: sand.mix(hex(0xc08850), fx(2, 5)), snowLine: 2 * one,
			haze: fx(3, 10) - mul(k, fx(1, 4)), steep: 5 * one, texture: fx(1, 16)}
		g.addRidge(d)
	}
	fg := &land{seed: r.u32(), minTop: g.hz + fx(1, 50), base: g.hz + r.between(fx(1, 6), fx(1, 4)), amp: r.between(fx(1, 50), fx(1, 25)),
		freq: r.between(one, 2*one), surface: Sand, alb: hex(0xdeae70).jitter(r, fx(1, 25)), alb2: hex(0xcc9a5e), treeSize: fx(1, 10)}
	fg.plant(g, r.u32(), planting{size: r.between(fx(1, 25), fx(3, 50)), spacing: one, conifers: 0, density: fx(3, 20),
		cluster: fx(1, 2), depth: fx(1, 5), boulders: fx(1, 10), leafAlb: hex(0x7a8450), rockAlb: hex(0x9a6a50)})
	g.addLand(fg)
}

func (g *gen) forest(r *rng, t timeOfDay) {
	g.hz = r.between(fx(9, 20), fx(3, 5))
	g.setSky(r, t, -fx(1, 10))
	if r.chance(fx(2, 5)) {
		g.addRidge(g.mountains(r, g.hz+fx(1, 50), r.between(fx(3, 25), fx(7, 25)), r.between(fx(3, 2), 3*one),
			fx(11, 20), hex(0x7888a0), hex(0x5a6a7a), r.between(fx(1, 2), fx(9, 10))))
	}
	lake := r.chance(fx(1, 5))
	if !lake {
		g.plain(r, Grass, hex(0x5a7a48), hex(0x4a6a40), true)
	}
	mixed := r.frac()
	rows := 3 + r.intn(2)
	for i := range rows {
		k := int64(i) * one / int64(rows-1) // 0 far to one near
		l := &land{seed: r.u32(), base: g.hz - fx(1, 10) + mul(k, fx(1, 10)), amp: r.between(fx(1, 40), fx(3, 50)),
			freq: r.between(fx(3, 2), 4*one), surface: Grass, alb: hex(0x5a8838), alb2: hex(0x6a9040),
			forest: conAlb.mix(leafAlb, mixed/2).jitter(r, fx(1, 25)), conifers: one - mixed, treeSize: fx(1, 60) + mul(k, fx(1, 25)),
			haze: fx(3, 5) - mul(k, fx(11, 20)), mist: fx(1, 5)}
		l.band = mul(l.treeSize, r.between(fx(3, 2), 3*one))
		l.plant(g, r.u32(), planting{size: l.treeSize, spacing: fx(3, 10), conifers: one - mixed, density: fx(9, 10), depth: l.treeSize / 2,
			conAlb: conAlb, leafAlb: leafAlb})
		g.addLand(l)
	}
	fg := &land{seed: r.u32(), minTop: g.hz + fx(1, 50), base: g.hz + r.between(fx(1, 8), fx(3, 10)), amp: r.between(fx(1, 50), fx(1, 20)),
		freq: r.between(one, 3*one), surface: Grass, alb: hex(0x527a30).jitter(r, fx(1, 20)),
		alb2: hex(0x6e8c3c).jitter(r, fx(1, 20)), treeSize: fx(1, 3)}
	if r.chance(fx(3, 10)) {
		fg.flowers, fg.flowerCols = r.between(-fx(3, 10), 0), flowerSets[r.intn(len(flowerSets))]
	}
	if lake {
		g.addWater(r, hex(0x1c3e48), hex(0x2a5458), fg)
	}
	fg.plant(g, r.u32(), planting{size: r.between(fx(3, 10), fx(7, 10)), spacing: fx(2, 5), conifers: one - mixed, density: fx(2, 5),
		cluster: one, depth: fx(1, 10), boulders: fx(1, 20), conAlb: conAlb, leafAlb: leafAlb, rockAlb: rockAlb})
	g.addLand(fg)
}

func (g *gen) meadow(r *rng, t timeOfDay) {
	g.hz = r.between(fx(9, 20), fx(31, 50))
	g.setSky(r, t, 0)
	if r.chance(fx(3, 10)) {
		snow := 2 * one
		if r.chance(fx(2, 5)) {
			snow = r.between(fx(1, 2), fx(4, 5))
		}
		g.addRidge(g.mountains(r, g.hz+fx(1, 50), r.between(fx(2, 25), fx(6, 25)), r.between(fx(3, 2), 3*one),
			fx(1, 2), hex(0x7888a0), hex(0x5a6a7a), snow))
	}
	g.plain(r, Grass, hex(0x6a9448), hex(0x5a8440), false)
	grass := hex(0x6a9a3c).jitter(r, fx(1, 20))
	rows := 2 + r.intn(2)
	flowers := flowerSets[r.intn(len(flowerSets))]
	for i := range rows {
		k := int64(i) * one / int64(rows-1)
		l := &land{seed: r.u32(), base: g.hz - fx(1, 25) + mul(k, fx(3, 25)), amp: r.between(fx(1, 40), fx(3, 40)),
			freq: r.between(one, 3*one), surface: Grass, alb: grass.mix(hex(0x8aa848), r.frac()/2), alb2: grass.scale(fx(17, 20)),
			treeSize: fx(1, 40) + mul(k, fx(1, 20)), haze: fx(2, 5) - mul(k, fx(7, 20)), mist: fx(1, 10)}
		if k > 0 && r.chance(half) {
			l.flowers, l.flowerCols = r.between(-fx(3, 10), -fx(1, 20)), flowers
		}
		l.plant(g, r.u32(), planting{size: l.treeSize, spacing: fx(2, 5), conifers: fx(1, 10), density: fx(1, 2), cluster: fx(9, 10),
			depth: l.treeSize, conAlb: conAlb, leafAlb: leafAlb.jitter(r, fx(1, 20))})
		g.addLand(l)
	}
	fg := &land{seed: r.u32(), minTop: g.hz + fx(1, 50), base: g.hz + r.between(fx(1, 6), fx(3, 10)), amp: r.between(fx(1, 50), fx(1, 20)),
		freq: r.between(one, 2*one), surface: Grass, alb: grass, alb2: hex(0x8aa448).jitter(r, fx(1, 20)), treeSize: fx(1, 3)}
	if r.chance(fx(7, 10)) {
		fg.flowers, fg.flowerCols = r.between(-fx(1, 5), fx(1, 10)), flowers
	}
	fg.plant(g, r.u32(), planting{size: r.between(fx(1, 4), fx(1, 2)), spacing: fx(3, 5), conifers: fx(1, 10), density: fx(1, 5),
		cluster: fx(4, 5), depth: fx(1, 10), boulders: fx(1, 25), conAlb: conAlb, leafAlb: leafAlb, rockAlb: rockAlb})
	g.addLand(fg)
}
