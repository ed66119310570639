package landscape

// Gradient noise (Perlin's, on a square lattice) in fixed point, and its
// fractal sums. Values are roughly in [-one, one].

// grad2 holds eight lattice gradients: the diagonals and the axes.
var grad2 = [8][2]int64{{1, 1}, {-1, 1}, {1, -1}, {-1, -1}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}}

// fade is Perlin's quintic 6t^5 - 15t^4 + 10t^3 on t in [0, one].
func fade(t int64) int64 {
	t3 := t * t >> fbits * t >> fbits
	return t3 * ((t * (6*t - 15*one) >> fbits) + 10*one) >> fbits
}

// noise2 is 2-D gradient noise at (x, y).
func noise2(seed uint32, x, y int64) int64 {
	xi, yi := x>>fbits, y>>fbits
	fx, fy := x&(one-1), y&(one-1)
	g00 := grad2[hash(seed, xi, yi)&7]
	g10 := grad2[hash(seed, xi+1, yi)&7]
	g01 := grad2[hash(seed, xi, yi+1)&7]
	g11 := grad2[hash(seed, xi+1, yi+1)&7]
	n00 := g00[0]*fx + g00[1]*fy
	n10 := g10[0]*(fx-one) + g10[1]*fy
	n01 := g01[0]*fx + g01[1]*(fy-one)
	n11 := g11[0]*(fx-one) + g11[1]*(fy-one)
	u, v := fade(fx), fade(fy)
	a := n00 + (n10-n00)*u>>fbits
	b := n01 + (n11-n01)*u>>fbits
	return a + (b-a)*v>>fbits
}

// noise1 is 1-D gradient noise at x.
func noise1(seed uint32, x int64) int64 {
	xi, f := x>>fbits, x&(one-1)
	g0 := int64(hash(seed, xi, 0)>>15) - one // in [-one, one)
	g1 := int64(hash(seed, xi+1, 0)>>15) - one
	a := g0 * f >> fbits
	b := g1 * (f - one) >> fbits
	return 2 * (a + (b-a)*fade(f)>>fbits)
}

// octaves is how many octaves, from base frequency freq (cycles per image
// height) doubling each time, stay at least three pixels a cycle for an
// image h pixels high, at most max. Textures drop their fine octaves at
// small sizes instead of aliasing into speckle.
func octaves(freq int64, h int, max int) int {
	limit := int64(h) * one / 3
	n := 0
	for n < max && freq <= limit {
		n++
		freq *= 2
	}
	return n
}

// fbm2 sums n octaves of noise2 from frequency 1 at (x, y), halving the
// amplitude and doubling (and turning) the lattice each octave. The sum is
// not renormalised, so dropping fine octaves keeps the coarse ones.
func fbm2(seed uint32, x, y int64, n int) int64 {
	var sum int64
	amp := one
	for i := 0; i < n; i++ {
		sum += noise2(seed+uint32(i)*0x632be5ab, x, y) * amp >> fbits
		// 2x scale with a turn of about 37 degrees, so lattice axes do not
		// line up between octaves.
		x, y = (8*x+6*y)/5, (8*y-6*x)/5
		amp >>= 1
	}
	return sum
}

// strokes is fbm2 without the turn between octaves: streaks stretched
// along an axis stay along it (blades of grass stay upright).
func strokes(seed uint32, x, y int64, n int) int64 {
	var sum int64
	amp := one
	for i := 0; i < n; i++ {
		sum += noise2(seed+uint32(i)*0x632be5ab, x, y) * amp >> fbits
		x, y = 2*x+0x3c6e, 2*y+0x1a5f
		amp >>= 1
	}
	return sum
}

// fbm1 is fbm2's one-dimensional counterpart.
func fbm1(seed uint32, x int64, n int) int64 {
	var sum int64
	amp := one
	for i := 0; i < n; i++ {
		sum += noise1(seed+uint32(i)*0x632be5ab, x) * amp >> fbits
		x = 2*x + 0x5bd1e995&(one-1) // shift each octave off the lattice of the last
		amp >>= 1
	}
	return sum
}

// ridged1 is a ridged multifractal over noise1: sharp crests where the
// noise crosses zero, finer octaves weighted by the coarser ones so that
// peaks are craggy and valleys smooth. It is in [0, about one].
func ridged1(seed uint32, x int64, n int) int64 {
	var sum int64
	amp, weight := one, one
	for i := 0; i < n; i++ {
		r := one - abs(noise1(seed+uint32(i)*0x632be5ab, x))
		r = r * r >> fbits
		sum += r * amp >> fbits * weight >> fbits
		weight = clamp(r*2, 0, one)
		x = 2*x + 0x5bd1e995&(one-1)
		amp = amp * 2 / 5
	}
	return sum
}

// cells is cellular noise: the lattice cell of (x, y) and its neighbours
// each hold a feature point; it returns the squared distance to the
// nearest (about 0 to 1) and the offset from it to (x, y).
func cells(seed uint32, x, y int64) (d2, dx, dy int64) {
	xi, yi := x>>fbits, y>>fbits
	d2 = 4 * one
	for j := yi - 1; j <= yi+1; j++ {
		for i := xi - 1; i <= xi+1; i++ {
			h := hash(seed, i, j)
			px := i<<fbits + int64(h&0xffff)
			py := j<<fbits + int64(h>>16)
			ox, oy := x-px, y-py
			if d := mul(ox, ox) + mul(oy, oy); d < d2 {
				d2, dx, dy = d, ox, oy
			}
		}
	}
	return d2, dx, dy
}
