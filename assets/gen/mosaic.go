package main

import (
	"image"
	"image/color"
	"math"
)

const (
	size    = 512 // pixels per side
	grid    = 8   // tiles per side
	margin  = 32  // around the grid, inside the rounded plate
	gap     = 6   // grout between tiles
	plateR  = 96  // corner radius of the plate
	tileR   = 7   // corner radius of a tile
	samples = 4   // supersampling per axis, for smooth edges
)

var (
	grout = rgb(0x22, 0x26, 0x30)
	skyHi = rgb(0x1d, 0x4b, 0x8f)
	skyLo = rgb(0x86, 0xbc, 0xdc)
	sun   = rgb(0xf2, 0xb6, 0x32)
	hill  = rgb(0x4f, 0x8f, 0x3e)
	earth = rgb(0xc2, 0x62, 0x3a)
)

// rgba is a colour with float components in 0..255, not premultiplied.
type rgba struct{ r, g, b, a float64 }

func rgb(r, g, b uint8) rgba { return rgba{float64(r), float64(g), float64(b), 255} }

func (c rgba) scale(k float64) rgba { return rgba{c.r * k, c.g * k, c.b * k, c.a} }

func mix(a, b rgba, t float64) rgba {
	return rgba{a.r + (b.r-a.r)*t, a.g + (b.g-a.g)*t, a.b + (b.b-a.b)*t, a.a + (b.a-a.a)*t}
}

// drawIcon renders the icon, averaging samples*samples points per pixel.
func drawIcon() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var sum rgba
			for sy := 0; sy < samples; sy++ {
				for sx := 0; sx < samples; sx++ {
					c := at(float64(x)+(float64(sx)+0.5)/samples, float64(y)+(float64(sy)+0.5)/samples)
					sum = rgba{sum.r + c.r*c.a, sum.g + c.g*c.a, sum.b + c.b*c.a, sum.a + c.a}
				}
			}
			img.SetNRGBA(x, y, unpremultiply(sum))
		}
	}
	return img
}

func unpremultiply(sum rgba) color.NRGBA {
	if sum.a == 0 {
		return color.NRGBA{}
	}
	return color.NRGBA{
		R: clamp8(sum.r / sum.a),
		G: clamp8(sum.g / sum.a),
		B: clamp8(sum.b / sum.a),
		A: clamp8(sum.a / (samples * samples)),
	}
}

// clamp8 rounds v to a byte; brightened tiles can exceed 255.
func clamp8(v float64) uint8 { return uint8(math.Round(math.Max(0, math.Min(255, v)))) }

// at is the colour of the point (x, y): transparent off the plate, grout
// between tiles, a tile's colour on it.
func at(x, y float64) rgba {
	if !inRoundedRect(x, y, 0, 0, size, size, plateR) {
		return rgba{}
	}
	const cell = float64(size-2*margin) / grid
	i, j := math.Floor((x-margin)/cell), math.Floor((y-margin)/cell)
	if i < 0 || j < 0 || i >= grid || j >= grid {
		return grout
	}
	x0, y0 := margin+i*cell+gap/2, margin+j*cell+gap/2
	if !inRoundedRect(x, y, x0, y0, x0+cell-gap, y0+cell-gap, tileR) {
		return grout
	}
	return tile(int(i), int(j))
}

// tile picks a tile's colour from the scene at its centre, then varies its
// brightness a little so neighbours read as separate stones.
func tile(i, j int) rgba {
	u, v := (float64(i)+0.5)/grid, (float64(j)+0.5)/grid
	horizon := 0.56 + 0.09*math.Sin(2*math.Pi*1.2*u+0.8)
	var c rgba
	switch {
	case math.Hypot(u-0.70, v-0.26) < 0.14:
		c = sun
	case v < horizon:
		c = mix(skyHi, skyLo, v/horizon)
	case v < horizon+0.22:
		c = hill
	default:
		c = earth
	}
	return c.scale(0.88 + 0.24*hash(i, j))
}

// hash maps a tile to a fixed number in [0, 1).
func hash(i, j int) float64 {
	h := uint32(i)*73856093 ^ uint32(j)*19349663
	h ^= h >> 13
	h *= 0x5bd1e995
	h ^= h >> 15
	return float64(h%1000) / 1000
}

// inRoundedRect reports whether (x, y) lies in the rectangle [x0,x1)x[y0,y1)
// with corners rounded to radius r.
func inRoundedRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || y < y0 || x >= x1 || y >= y1 {
		return false
	}
	cx := math.Max(x0+r, math.Min(x, x1-r))
	cy := math.Max(y0+r, math.Min(y, y1-r))
	return math.Hypot(x-cx, y-cy) <= r
}
