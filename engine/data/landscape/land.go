package landscape

import "sort"

// land is ground seen at a grazing angle: a hill line or the foreground,
// grass or sand, with trees and boulders standing on it and, for forests,
// a mass of canopy below its top.
type land struct {
	seed                  uint32
	base, amp, freq, tilt int64 // the ground line: base - amp*fbm(freq*X) + tilt*(X - centre)
	minTop                int64 // and never above this (a shore stays below the horizon)
	surface               uint8 // Grass or Sand
	alb, alb2             rgb   // the ground's two tones
	flowers               int64 // flower patches' coverage, about -0.3 (few) to 0.3; 0 for none
	flowerCols            [3]rgb
	wet                   int64 // a beach's wet band below its top, 0 for none
	wetAlb                rgb
	band                  int64 // depth of the forest mass below the top, 0 for none
	forest                rgb
	conifers              int64 // the forest mass's fraction of conifers
	treeSize              int64
	haze, mist            int64 // haze over all, and mist deepening below the top
	objs                  []object
	colStart              []int32 // the objects over column x are colObjs[colStart[x]:colStart[x+1]], nearest first
	colObjs               []int32
	ground                []int64 // the ground line per column
	gslope                slopes  // its slope at every scale
	canopy, floor         []int64 // the forest mass's top and bottom per column
	tops                  []int64
}

func (l *land) top() []int64 { return l.tops }

func (l *land) groundAt(g *gen, X int64) int64 {
	f := mul(X, l.freq)
	// The tilt levels off a unit from the centre, so very wide images keep
	// their shore in view.
	y := l.base - mul(l.amp, fbm1(l.seed, f, octaves(l.freq*2, g.h, 5))) + mul(l.tilt, clamp(X-g.cx, -one, one))
	return max(y, l.minTop)
}

type objKind uint8

const (
	conifer objKind = iota
	broadleaf
	boulder
)

// object is a tree or a boulder standing at (cx, base).
type object struct {
	kind            objKind
	cx, top, base   int64
	hw              int64    // half width: at the foot of a conifer, of a boulder
	tiers           int64    // a conifer's layers of branches
	crown           clump    // a broadleaf's crown as a whole
	clumps          [8]clump // and the clumps of leaves it is made of
	trunkTop, trunk int64    // a broadleaf's trunk: top y, half width
	alb             rgb
	seed            uint32
}

type clump struct{ x, y, r int64 }

// planting says what stands on a land.
type planting struct {
	size     int64 // typical tree height
	spacing  int64 // between tree slots, as a fraction of size
	conifers int64 // fraction of conifers among the trees
	density  int64 // chance of a tree in a slot
	cluster  int64 // 0: trees spread evenly; one: only in groups
	depth    int64 // trees stand up to this far below the ground line
	boulders int64 // chance of a boulder in a slot
	conAlb   rgb
	leafAlb  rgb
	rockAlb  rgb
}

// plant places trees and boulders along the ground line. Slots lie on a
// lattice centred in the view, each with its own draws, so a wider image
// only adds slots at its sides; slots too close to make out at this size
// are thinned to every 2nd, 4th, ... one, so a smaller image keeps a subset
// of a larger one's trees.
func (l *land) plant(g *gen, seed uint32, p planting) {
	step := max(mul(p.size, p.spacing), 1)
	thin := int64(1)
	for step*thin < 2*g.px {
		thin *= 2
	}
	lo := (g.x0 - 2*p.size - g.cx) / step
	hi := (g.x0 + g.W + 2*p.size - g.cx) / step
	for k := lo - 1; k <= hi+1; k++ {
		if k%thin != 0 {
			continue
		}
		r := newRNG(int64(seed), uint64(k))
		X := g.cx + k*step + mul(step, r.between(-fx(2, 5), fx(2, 5)))
		group := smooth(-fx(1, 5), fx(1, 4), fbm1(seed, mul(X, inv(p.size*3)), 2))
		chance := mul(p.density, mix(one, group, p.cluster))
		if r.chance(p.boulders) {
			size := min(mul(p.size, r.between(fx(1, 10), fx(1, 4))), fx(1, 12))
			base := l.groundAt(g, X) + r.between(size/4, p.depth+size/2)
			l.objs = append(l.objs, object{kind: boulder, cx: X, base: base, top: base - mul(size, fx(3, 5)),
				hw: size, alb: p.rockAlb.jitter(r, fx(1, 20)), seed: r.u32()})
			continue
		}
		if !r.chance(chance) {
			continue
		}
		base := l.groundAt(g, X) + r.between(0, p.depth)
		size := mul(p.size, r.between(fx(7, 10), fx(13, 10)))
		o := object{cx: X, base: base, top: base - size, seed: r.u32()}
		if r.chance(p.conifers) {
			o.kind, o.hw, o.tiers = conifer, mul(size, r.between(fx(1, 6), fx(1, 4))), r.between(4*one, 8*one)
			o.alb = p.conAlb.jitter(r, fx(1, 25))
		} else {
			o.kind = broadleaf
			rad := mul(size, r.between(fx(1, 4), fx(1, 3)))
			cy := o.top + rad
			o.crown = clump{X, cy, rad}
			o.clumps[0] = clump{X, cy + rad/10, rad * 7 / 10}
			for i := 1; i < len(o.clumps); i++ {
				o.clumps[i] = clump{X + mul(rad, r.between(-fx(3, 5), fx(3, 5))), cy + mul(rad, r.between(-fx(11, 20), fx(9, 20))),
					mul(rad, r.between(fx(7, 20), fx(11, 20)))}
			}
			o.top, o.hw = cy, 0
			for _, c := range o.clumps {
				o.top, o.hw = min(o.top, c.y-c.r), max(o.hw, abs(c.x-X)+c.r)
			}
			o.trunkTop, o.trunk = cy+rad/2, max(rad/7, g.px/2)
			if l.band > 0 {
				// In a forest the crown stands on the canopy, hiding the trunk.
				o.base, o.trunk = cy+rad, 0
			}
			o.alb = p.leafAlb.jitter(r, fx(1, 20))
		}
		l.objs = append(l.objs, o)
	}
}

// finish computes the ground line, the forest's top and which objects
// stand over each column.
func (l *land) finish(g *gen) {
	l.ground = make([]int64, g.w)
	l.tops = make([]int64, g.w)
	l.gslope = newSlopes(g, func(X int64) int64 { return l.groundAt(g, X) }, l.ground)
	copy(l.tops, l.ground)
	if l.band > 0 {
		l.canopy, l.floor = make([]int64, g.w), make([]int64, g.w)
		f := inv(l.treeSize / 2)
		for x, X := range g.xs {
			// Rounded crowns: the noise's crests, squared off.
			n := one - abs(noise1(l.seed^0xca1, mul(X, f)))
			l.canopy[x] = l.ground[x] - mul(l.treeSize/2, mul(n, n))
			l.floor[x] = l.ground[x] + mul(l.band, fx(9, 10)+mul(fbm1(l.seed^0xf1a, mul(X, f/12), 3), fx(1, 5)))
			l.tops[x] = min(l.tops[x], l.canopy[x])
		}
	}
	// Nearest first: an object lower on the screen stands in front.
	sort.SliceStable(l.objs, func(i, j int) bool { return l.objs[i].base > l.objs[j].base })
	counts := make([]int32, g.w+1)
	span := func(o *object) (int, int, bool) {
		if o.cx+o.hw < g.x0 || o.cx-o.hw > g.x0+g.W {
			return 0, 0, false
		}
		return g.column(o.cx - o.hw), g.column(o.cx + o.hw), true
	}
	for i := range l.objs {
		if a, b, ok := span(&l.objs[i]); ok {
			for x := a; x <= b; x++ {
				counts[x+1]++
				l.tops[x] = min(l.tops[x], l.objs[i].top)
			}
		}
	}
	for x := 1; x <= g.w; x++ {
		counts[x] += counts[x-1]
	}
	l.colStart = counts
	l.colObjs = make([]int32, counts[g.w])
	fill := make([]int32, g.w)
	copy(fill, counts[:g.w])
	for i := range l.objs {
		if a, b, ok := span(&l.objs[i]); ok {
			for x := a; x <= b; x++ {
				l.colObjs[fill[x]] = int32(i)
				fill[x]++
			}
		}
	}
}

func (l *land) shade(g *gen, x int, X, Y int64) (rgb, uint8, bool) {
	for _, i := range l.colObjs[l.colStart[x]:l.colStart[x+1]] {
		o := &l.objs[i]
		if c, lab, ok := o.shade(g, X, Y); ok {
			return l.hazed(g, c, x, Y), lab, true
		}
	}
	if l.band > 0 && Y >= l.canopy[x] && Y < l.floor[x] {
		return l.hazed(g, l.forestMass(g, x, X, Y), x, Y), Tree, true
	}
	if Y < l.ground[x] {
		return rgb{}, 0, false
	}
	c, lab := l.surfaceAt(g, x, X, Y)
	return l.hazed(g, c, x, Y), lab, true
}

func (l *land) hazed(g *gen, c rgb, x int, Y int64) rgb {
	h := l.haze
	if l.mist > 0 {
		top := l.ground[x]
		if l.band > 0 {
			top = l.canopy[x]
		}
		h += mul(l.mist, smooth(0, l.treeSize*2+fx(1, 40), Y-top))
	}
	return c.mix(g.sky.haze, clamp(h, 0, one))
}

// forestMass is a forest seen from afar: rows of small crowns following
// the canopy line, each lit on the sun's side, with deep shade between.
func (l *land) forestMass(g *gen, x int, X, Y int64) rgb {
	t := Y - l.canopy[x]
	// Darker deeper in, and darkest at the forest's edge, under the crowns.
	depth := smooth(0, l.treeSize*3, t) + smooth(l.floor[x]-l.treeSize/2, l.floor[x], Y)
	shadow := l.forest.scale(fx(11, 20) - mul(depth, fx(1, 10)))
	size := l.treeSize * 4 / 5
	if size*int64(g.h) < 5*one {
		// Crowns under five pixels: a texture of their mean look.
		f := inv(size / 2)
		n := fbm2(l.seed^0xf0e, mul(X, f), mul(Y, f*3/2), octaves(f, g.h, 3))
		return l.forest.mix(shadow, half-n/2+depth/4).times(g.light.lambert(mul(g.light.lx, n), fx(3, 5), fx(3, 5)))
	}
	rowH, cw := size/2, size*2/5
	row := t / rowH
	for k := row; k >= row-2 && k >= 0; k-- { // nearer rows first
		off := mul(int64(hash(l.seed, k, 0x77)>>16), cw)
		c0 := (X + off) / cw
		apex := l.canopy[x] + k*rowH
		for c := c0 - 1; c <= c0+1; c++ {
			hs := hash(l.seed, c, k)
			cx := c*cw - off + mul(int64(hs&0xffff)-half, cw/2)
			top := apex - mul(int64(hs>>16&0xff)<<8, rowH/2)
			hgt := mul(size, fx(4, 5)+int64(hs>>24)<<7)
			dx, dy := X-cx, Y-top
			if dy < 0 || dy > hgt {
				continue
			}
			var nx, ny int64
			if int64(hs>>8&0xff)<<8 < l.conifers {
				wdt := mul(cw*7/10, div(dy, hgt))
				if abs(dx) > wdt {
					continue
				}
				nx, ny = mul(clamp(div(dx, max(wdt, 1)), -one, one), fx(4, 5)), fx(2, 5)
			} else {
				rr := cw * 4 / 5
				cy := top + rr
				if dy < rr && dx*dx+(Y-cy)*(Y-cy) > rr*rr || abs(dx) > rr {
					continue
				}
				nx, ny = clamp(div(dx, rr), -one, one), clamp(div(cy-Y, rr), -one, one)/2
			}
			nx, ny, nz := normal(nx, ny, fx(3, 5))
			alb := l.forest.scale(one - mul(depth, fx(3, 10)) + int64(hs>>20&0xf)<<10 - fx(1, 8))
			return alb.times(g.light.lambert(nx, ny, nz))
		}
	}
	return shadow.times(g.light.amb)
}

// surfaceAt is the open ground: grass (with flowers) or sand.
func (l *land) surfaceAt(g *gen, x int, X, Y int64) (rgb, uint8) {
	dd := max(Y-g.hz, g.px)
	// Coordinates on the ground plane: texture shrinks towards the horizon.
	pz := div(fx(1, 5), dd)
	u, v := mul(X-g.cx, pz), pz
	pf := octaves(div(pz*3, dd), g.h, 4)
	patch := fbm2(l.seed, u*3, v*3, pf)
	label := l.surface
	var alb rgb
	if l.surface == Sand {
		alb = l.alb.mix(l.alb2, smooth(-fx(2, 5), fx(2, 5), patch))
		// Wind ripples: wavy lines across the view.
		rf := 16 * one
		if div(mul(rf, pz), dd) < int64(g.h)*one/4 {
			ph := mul(v, rf) + mul(u, rf)/6 + patch/2
			tri := abs(ph&(one-1) - half)
			alb = alb.scale(fx(24, 25) + tri/8)
		}
		if l.wet > 0 && Y-l.ground[x] < l.wet+mul(patch, l.wet/2) {
			alb = l.wetAlb.mix(g.sky.horizon, fx(1, 6))
		}
	} else {
		alb = l.alb.mix(l.alb2, smooth(-fx(1, 2), fx(1, 2), patch)/2)
		// Blades: upright strokes on the screen, finer with distance. The
		// texture is drawn at the two powers of two around the distance's
		// scale and blended, so strokes stay upright and sizes change
		// smoothly.
		fs := max(mul(400*one, pz), one)
		lv := bitLen(fs>>fbits) - 1
		fa := int64(1) << lv
		t := (fs - fa<<fbits) / fa
		oct := octaves(fa*one, g.h, 3)
		blade := mix(strokes(l.seed^0xb1a, X*fa, Y*fa/3, oct), strokes(l.seed^0xb1b, X*fa*2, Y*fa*2/3, max(oct-1, 0)), t)
		alb = alb.mix(l.alb2, clamp(blade*2, 0, fx(1, 2))).scale(one + mul(blade, fx(1, 2)))
		if l.flowers != 0 {
			dens := smooth(0, fx(2, 5), fbm2(l.seed^0xf10, u*5, v*10, pf)+l.flowers)
			if dens > 0 {
				kind := fbm2(l.seed^0xc01, u, v*2, 2)
				fc := l.flowerCols[0]
				if kind > fx(1, 8) {
					fc = l.flowerCols[1]
				} else if kind < -fx(1, 8) {
					fc = l.flowerCols[2]
				}
				// Dots where they are a few pixels wide; where they are
				// smaller, their share of the colour, with a blend between.
				df := 200 * one
				hh := int64(g.h) * one
				k := smooth(hh/3, hh/6, max(mul(df, pz), div(mul(df/2, pz), dd)))
				tint := alb.mix(fc, mul(dens, fx(1, 4)))
				if k > 0 {
					dot := noise2(l.seed^0xd07, mul(u, df), mul(v, df/2))
					if dot > fx(2, 5)-mul(dens, fx(1, 4)) {
						alb = tint.mix(fc.scale(one+dot/2), k)
					} else {
						alb = tint.mix(alb, k)
					}
				} else {
					alb = tint
				}
				if dens >= half {
					label = Flowers
				}
			}
		}
	}
	// A hill's flanks face the way its line slopes, flattening out below.
	depth := Y - l.ground[x]
	gs := mul(l.gslope.at(x, depth*int64(g.h)), one-smooth(0, fx(1, 5), depth))
	nx, ny, nz := normal(gs, one, fx(1, 3))
	return alb.times(g.light.lambert(nx, ny, nz)), label
}

// shade is the object's colour at (X, Y), ok false outside it.
func (o *object) shade(g *gen, X, Y int64) (rgb, uint8, bool) {
	if Y < o.top || Y > o.base {
		return rgb{}, 0, false
	}
	dx := X - o.cx
	switch o.kind {
	case conifer:
		h := o.base - o.top
		rel := div(Y-o.top, h)
		if rel > fx(9, 10) {
			if abs(dx) > max(o.hw/8, g.px/2) {
				return rgb{}, 0, false
			}
			return hex(0x3a2a1c).times(g.light.amb), Tree, true
		}
		rc := div(rel, fx(9, 10))
		tier := mul(rc, o.tiers) & (one - 1)
		ragged := mul(noise1(o.seed, mul(Y, inv(h/24))), fx(1, 8))
		wdt := mul(mul(o.hw, rc), fx(11, 20)+mul(fx(9, 20), tier)+ragged)
		if abs(dx) > max(wdt, g.px/2) {
			return rgb{}, 0, false
		}
		side := clamp(div(dx, max(wdt, g.px)), -one, one)
		needles := noise2(o.seed, mul(X, inv(h/30)), mul(Y, inv(h/40)))
		nx, ny, nz := normal(mul(side, fx(4, 5)), fx(1, 2)-tier/2, fx(3, 5))
		alb := o.alb.scale(one - mul(tier, fx(1, 4)) + needles/5)
		return alb.times(g.light.lambert(nx, ny, nz)), Tree, true
	case broadleaf:
		// The crown is clumps of leaves, and the clumps are clusters: a
		// cell pattern whose bumps roughen the outline and catch the light.
		w := o.crown
		R := max(w.r, 1)
		cf := inv(R / 5)
		var f1, vx, vy int64
		if R*int64(g.h) >= 8*one { // clusters of at least two pixels
			f1, vx, vy = cells(o.seed, mul(X, cf), mul(Y, cf))
		} else {
			f1 = half
		}
		inside := one - mul(f1, fx(3, 10))
		best, bt := -1, int64(-1)
		for i, c := range o.clumps {
			cx, cy := X-c.x, Y-c.y
			r2 := c.r * c.r // at full precision: small crowns have tiny radii
			if d2 := cx*cx + cy*cy; d2 <= mul(r2, inside) && r2 > 0 {
				if t := one - (d2<<fbits)/r2; t > bt {
					best, bt = i, t
				}
			}
		}
		if best >= 0 {
			c := o.clumps[best]
			gx, gy := clamp(div(X-w.x, R), -one, one), clamp(div(w.y-Y, R), -one, one)
			nx := div(X-c.x, c.r)/3 + gx + vx
			ny := div(c.y-Y, c.r)/3 + gy - vy
			lf := cf * 3
			leaves := fbm2(o.seed, mul(X, lf), mul(Y, lf), octaves(lf, g.h, 2))
			nx, ny, nz := normal(nx+leaves, ny+leaves, sqrtf(max(one-mul(gx, gx)-mul(gy, gy), 0))+fx(2, 5))
			under := smooth(-R/5, R, Y-w.y) // the crown's underside is in its own shade
			alb := o.alb.scale(one - mul(under, fx(3, 10)) - mul(f1, fx(2, 5)) + leaves/4)
			return alb.times(g.light.lambert(nx, ny, nz)), Tree, true
		}
		if o.trunk > 0 && Y >= o.trunkTop && abs(dx) <= o.trunk {
			return hex(0x4a3828).times(g.light.lambert(div(dx, o.trunk), 0, one)), Tree, true
		}
		return rgb{}, 0, false
	default: // boulder
		ry := o.base - o.top
		cy := o.base + ry/4
		ex, ey := div(dx, o.hw), div(Y-cy, ry+ry/4)
		e2 := mul(ex, ex) + mul(ey, ey)
		// A lumpy outline, not an ellipse.
		if e2 > one-mul(abs(noise2(o.seed, ex*2, ey*2)), fx(3, 5)) {
			return rgb{}, 0, false
		}
		e2 = min(e2, one)
		tf := inv(o.hw / 3)
		tex := fbm2(o.seed, mul(X, tf), mul(Y, tf), octaves(tf, g.h, 4))
		nx, ny, nz := normal(ex+tex/2, -ey+tex/2, sqrtf(max(one-e2, fx(1, 20))))
		return o.alb.scale(one + tex/4).times(g.light.lambert(nx, ny, nz)), Rock, true
	}
}
