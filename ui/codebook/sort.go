package codebook

import (
	"image"
	"math"
	"slices"
)

// The orders the atlas can show the entries in.
const (
	byIndex  = "Index"
	byUsage  = "Usage"
	byColour = "Colour"
)

// colourOrder sorts entries by the mean colour of their patches: greys
// first, dark to light, then the colours by hue in twelve 30° steps (red,
// orange, yellow, … magenta), each step dark to light. Ties keep index order.
func colourOrder(patches []*image.NRGBA) []int {
	type key struct {
		hue int // 0 for greys, 1..12 for the hue steps
		lum float64
	}
	keys := make([]key, len(patches))
	for i, p := range patches {
		r, g, b := meanColour(p)
		h, chroma := hue(r, g, b)
		k := key{lum: 0.299*r + 0.587*g + 0.114*b}
		if chroma >= 0.08 {
			k.hue = 1 + int(h/30)%12
		}
		keys[i] = k
	}
	order := identity(len(patches))
	slices.SortStableFunc(order, func(a, b int) int {
		ka, kb := keys[a], keys[b]
		if ka.hue != kb.hue {
			return ka.hue - kb.hue
		}
		switch {
		case ka.lum < kb.lum:
			return -1
		case ka.lum > kb.lum:
			return 1
		}
		return 0
	})
	return order
}

// meanColour averages a patch's colour, each channel in [0, 1].
func meanColour(p *image.NRGBA) (r, g, b float64) {
	b0 := p.Bounds()
	n := float64(b0.Dx() * b0.Dy())
	if n == 0 {
		return 0, 0, 0
	}
	for y := b0.Min.Y; y < b0.Max.Y; y++ {
		for x := b0.Min.X; x < b0.Max.X; x++ {
			c := p.NRGBAAt(x, y)
			r, g, b = r+float64(c.R), g+float64(c.G), b+float64(c.B)
		}
	}
	return r / n / 255, g / n / 255, b / n / 255
}

// hue returns the hue in degrees [0, 360) and the chroma (max - min) of a
// colour with channels in [0, 1].
func hue(r, g, b float64) (h, chroma float64) {
	hi, lo := max(r, g, b), min(r, g, b)
	chroma = hi - lo
	if chroma == 0 {
		return 0, 0
	}
	switch hi {
	case r:
		h = math.Mod((g-b)/chroma, 6)
	case g:
		h = (b-r)/chroma + 2
	default:
		h = (r-g)/chroma + 4
	}
	h *= 60
	if h < 0 {
		h += 360
	}
	return h, chroma
}

func identity(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
