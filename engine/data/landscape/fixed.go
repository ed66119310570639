package landscape

// All of the generator's arithmetic is on int64 fixed-point numbers with 16
// fractional bits, so that a seed gives the same bytes on every platform:
// Go's integer operations are exactly specified, while floating point may
// be fused into multiply-adds differently by different compilers and CPUs.
// Lengths are in units of the image height (0 at the top, one at the
// bottom), so features keep their proportions at every size.

const (
	fbits       = 16
	one   int64 = 1 << fbits
	half        = one / 2
)

// fx converts a rational p/q to fixed point.
func fx(p, q int64) int64 { return p * one / q }

func mul(a, b int64) int64 { return a * b >> fbits }

func div(a, b int64) int64 { return (a << fbits) / b }

func mix(a, b, t int64) int64 { return a + (b-a)*t>>fbits }

func clamp(v, lo, hi int64) int64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// smooth is smoothstep: 0 at e0, one at e1, an S-curve between (falling
// when e1 < e0).
func smooth(e0, e1, v int64) int64 {
	if e1 < e0 {
		return one - smooth(e1, e0, v)
	}
	if e1 == e0 {
		if v < e0 {
			return 0
		}
		return one
	}
	t := clamp(div(v-e0, e1-e0), 0, one)
	return t * t >> fbits * (3*one - 2*t) >> fbits
}

// isqrt is the integer square root of a non-negative v (floor).
func isqrt(v int64) int64 {
	if v <= 0 {
		return 0
	}
	r := int64(1) << ((bitLen(v) + 1) / 2)
	for {
		n := (r + v/r) / 2
		if n >= r {
			return r
		}
		r = n
	}
}

func bitLen(v int64) int {
	n := 0
	for ; v > 0; v >>= 1 {
		n++
	}
	return n
}

// sqrtf is the square root of a non-negative fixed-point number.
func sqrtf(v int64) int64 { return isqrt(v << fbits) }

// hash mixes a seed and two lattice coordinates into 32 well-spread bits.
func hash(seed uint32, x, y int64) uint32 {
	h := seed ^ uint32(x)*0x9e3779b1 ^ uint32(y)*0x85ebca77
	h ^= h >> 15
	h *= 0x2c1b3c6d
	h ^= h >> 12
	h *= 0x297a2d39
	h ^= h >> 15
	return h
}

// rng is splitmix64: the scene's layout and palette are drawn from it.
type rng struct{ s uint64 }

func newRNG(seed int64, stream uint64) *rng {
	return &rng{s: uint64(seed)*0x9e3779b97f4a7c15 ^ stream*0xd1b54a32d192ed03}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (r *rng) u32() uint32 { return uint32(r.next() >> 32) }

// frac is uniform in [0, one).
func (r *rng) frac() int64 { return int64(r.next() >> (64 - fbits)) }

// between is uniform in [lo, hi).
func (r *rng) between(lo, hi int64) int64 { return lo + mul(hi-lo, r.frac()) }

// chance is true with probability p (fixed point).
func (r *rng) chance(p int64) bool { return r.frac() < p }

// intn is uniform in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// inv is one/v for a positive length v, which may be tiny.
func inv(v int64) int64 { return div(one, max(v, 1)) }
