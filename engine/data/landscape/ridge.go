package landscape

// ridge is a massif seen from the side: mountains, dunes, mesas, cliffs.
// Its silhouette is a profile over x; its faces are lit by the slope of the
// silhouette smoothed over a width that grows with the depth below it, so
// each peak casts a facet that widens downwards, lit on the sun's side.
type ridge struct {
	seed    uint32
	profile profile
	base    int64 // the foot (hidden behind nearer layers)
	height  int64 // the tallest peaks rise this far above base
	freq    int64 // peaks per unit
	side    int64 // cliffs and headlands: -one on the left, one on the right
	edge    int64 // where a cliff or headland ends, in units from its side

	label      uint8 // Mountain, Sand or Rock
	alb, low   rgb   // albedo at the top and at the foot
	snowLine   int64 // snow above this fraction of height; one or more for none
	snow       rgb
	rockFaces  bool // steep faces are bare rock (label Rock)
	rock       rgb
	banded     bool  // sedimentary bands across the face (mesas, cliffs)
	grassCap   int64 // thickness of grass on gentle tops, 0 for none
	capAlb     rgb
	relief     int64 // strength of the spurs and gullies on the faces
	haze, mist int64 // haze over all, and mist pooling at the foot
	steep      int64 // slope gain: how sharply faces turn to the light
	texture    int64 // strength of the surface texture
	tops       []int64
	slope      slopes
}

type profile int

const (
	peaks    profile = iota // ridged multifractal mountains
	dunes                   // smooth crests
	plateau                 // flat tops and steep walls
	cliff                   // high on one side, dropping to nothing at edge
	headland                // hills on one side, sloping down to nothing at edge
)

func (r *ridge) top() []int64 { return r.tops }

// heightAt is the silhouette's height above base at X, in units.
func (r *ridge) heightAt(g *gen, X int64) int64 {
	f := mul(X, r.freq)
	var s int64
	switch r.profile {
	case peaks:
		oct := octaves(r.freq*2, g.h, 7)
		s = mul(ridged1(r.seed, f, oct), fx(13, 20))
		env := fx(11, 20) + mul(fx(9, 20), smooth(-fx(1, 2), fx(1, 2), fbm1(r.seed^0x51ed, f/4, 2)))
		s = mul(s, env)
	case dunes:
		// Crests sharp, flanks long and smooth.
		c := one - abs(noise1(r.seed, f))
		s = mul(mul(c, c), fx(3, 5)) + mul(fbm1(r.seed^0x51ed, f/3, 2), fx(3, 10)) + fx(1, 5)
	case plateau:
		p := fbm1(r.seed, f, 2)
		s = mul(smooth(-fx(1, 10), 0, p), fx(3, 5)) + mul(smooth(fx(1, 5), fx(3, 10), p), fx(2, 5))
		s += mul(fbm1(r.seed^0x7a3, f*8, octaves(r.freq*8, g.h, 3)), fx(1, 30)) * smooth(0, fx(1, 20), s) >> fbits
	case cliff:
		s = mul(smooth(r.edge, r.edge-fx(3, 25), r.fromSide(g, X)), fx(4, 5)+mul(fbm1(r.seed, f, 3), fx(1, 5)))
		s += mul(fbm1(r.seed^0x7a3, f*6, octaves(r.freq*6, g.h, 4)), fx(1, 20)) * smooth(0, fx(1, 10), s) >> fbits
	case headland:
		env := smooth(r.edge, r.edge-fx(2, 5), r.fromSide(g, X))
		s = mul(env, fx(2, 5)+mul(ridged1(r.seed, f, octaves(r.freq*2, g.h, 5)), fx(1, 2)))
	}
	return mul(clamp(s, 0, one), r.height)
}

// fromSide is how far X is from the side of the view a cliff or headland
// stands on, with a ragged end.
func (r *ridge) fromSide(g *gen, X int64) int64 {
	from := X - g.x0
	if r.side > 0 {
		from = g.x0 + g.W - X
	}
	return from + mul(fbm1(r.seed^0x2e, mul(X, r.freq*2), 3), fx(1, 25))
}

// finish computes the silhouette and its slopes at every scale.
func (r *ridge) finish(g *gen) {
	r.tops = make([]int64, g.w)
	r.slope = newSlopes(g, func(X int64) int64 {
		h := r.heightAt(g, X)
		if h <= 0 {
			return r.base
		}
		return r.base - h
	}, r.tops)
	for x, t := range r.tops {
		if t >= r.base {
			r.tops[x] = one * 4 // nothing here: below every image
		}
	}
}

func (r *ridge) shade(g *gen, x int, X, Y int64) (rgb, uint8, bool) {
	d := Y - r.tops[x]
	dpx := d * int64(g.h) // depth below the silhouette in pixels, fixed point
	// Facets: the silhouette's slope smoothed over the depth below it, so
	// each peak sends a face down that widens as it falls. Spurs are the
	// same at a finer scale (relief); their edges wander, so faces are not
	// cut straight down.
	wob := noise2(r.seed^0x3c1, mul(X, r.freq*3), mul(Y, r.freq*3))
	nx := mul(r.slope.at(g.column(X+mul(mul(d, wob), fx(3, 5))), dpx*3/4), r.steep)
	// crease is where a spur turns from its face, about 0 (a gully, where
	// snow holds) to one (a crest, where rock shows).
	crease := half
	if r.relief > 0 {
		wob2 := noise2(r.seed^0x3c2, mul(X, r.freq*9), mul(Y, r.freq*9))
		fine := r.slope.at(g.column(X+mul(mul(d, wob2), fx(2, 5))), dpx/5)
		nx = mix(nx, mul(fine, r.steep), r.relief)
		crease = half + clamp(mul(fine, r.steep)-nx, -half, half)
	}
	ny := fx(2, 5)
	texFreq := r.freq * 16
	tex := fbm2(r.seed^0x9e1, mul(X, texFreq), mul(Y, texFreq), octaves(texFreq, g.h, 4))
	e := div(r.base-Y, r.height) // height as a fraction of the tallest peaks
	label := r.label
	alb := r.low.mix(r.alb, smooth(0, fx(7, 10), e))
	if r.banded {
		b := noise1(r.seed^0x4a7, mul(Y+mul(tex, fx(1, 60)), r.freq*14))
		alb = alb.mix(r.low, smooth(-fx(1, 5), fx(1, 2), b))
	}
	alb = alb.scale(one + mul(tex, r.texture))
	steepness := abs(nx)
	switch {
	case r.grassCap > 0 && d < r.grassCap+mul(tex, r.grassCap/2) && steepness < fx(3, 2):
		label, alb = Grass, r.capAlb.scale(one+mul(tex, fx(1, 4)))
	case e-r.snowLine+mul(half-crease, fx(3, 10))+mul(tex, fx(1, 10))-mul(steepness, fx(1, 8)) > 0:
		// Snow holds in the gullies first and leaves the steepest crests bare.
		label, alb = Snow, r.snow
	case r.rockFaces && steepness+mul(crease-half, fx(3, 2))+mul(tex, fx(1, 2)) > fx(6, 5):
		label, alb = Rock, r.rock.scale(one+mul(tex, fx(1, 5)))
	}
	nx, ny, nz := normal(nx, ny, fx(4, 5))
	c := alb.times(g.light.lambert(nx, ny, nz))
	hz := r.haze + mul(r.mist, one-smooth(0, fx(2, 5), e))
	return c.mix(g.sky.haze, clamp(hz, 0, one)), label, true
}
