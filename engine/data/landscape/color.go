package landscape

// rgb is a linear mix of red, green and blue in fixed point (one = full).
// Colours are mixed and lit in display space, as painters mix pigments;
// the output is rounded to 8 bits once, at the end.
type rgb struct{ r, g, b int64 }

// hex makes a colour from 0xRRGGBB.
func hex(v uint32) rgb {
	return rgb{int64(v>>16&255) * one / 255, int64(v>>8&255) * one / 255, int64(v&255) * one / 255}
}

func (c rgb) mix(d rgb, t int64) rgb {
	return rgb{mix(c.r, d.r, t), mix(c.g, d.g, t), mix(c.b, d.b, t)}
}

func (c rgb) scale(t int64) rgb { return rgb{mul(c.r, t), mul(c.g, t), mul(c.b, t)} }

func (c rgb) times(d rgb) rgb { return rgb{mul(c.r, d.r), mul(c.g, d.g), mul(c.b, d.b)} }

func (c rgb) add(d rgb) rgb { return rgb{c.r + d.r, c.g + d.g, c.b + d.b} }

// jitter shifts each channel by up to amount, drawn from r: no two seeds
// share a palette exactly.
func (c rgb) jitter(r *rng, amount int64) rgb {
	return rgb{
		clamp(c.r+r.between(-amount, amount), 0, one),
		clamp(c.g+r.between(-amount, amount), 0, one),
		clamp(c.b+r.between(-amount, amount), 0, one),
	}
}

// byte8 rounds a channel to 8 bits, d in [0, one) dithering the rounding.
func byte8(v, d int64) uint8 {
	q := (v*255 + d) >> fbits
	if q < 0 {
		return 0
	}
	if q > 255 {
		return 255
	}
	return uint8(q)
}
