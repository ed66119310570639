package widgets

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/data/landscape"
)

// basePalette holds well separated colours for the first labels; further
// labels get hues spaced by the golden angle.
var basePalette = []color.NRGBA{
	{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // blue
	{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, // green
	{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, // red
	{R: 0xff, G: 0xbb, B: 0x33, A: 0xff}, // amber
	{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, // purple
	{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff}, // brown
	{R: 0xe3, G: 0x77, B: 0xc2, A: 0xff}, // pink
	{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff}, // grey
	{R: 0xbc, G: 0xbd, B: 0x22, A: 0xff}, // olive
	{R: 0x17, G: 0xbe, B: 0xcf, A: 0xff}, // cyan
}

// labelColor is the colour label l is painted in when the model's labels
// have no colours of their own.
func labelColor(l int) color.NRGBA {
	if l < len(basePalette) {
		return basePalette[l]
	}
	h := math.Mod(float64(l)*137.508, 360)
	return hsv(h, 0.65, 0.85)
}

func hsv(h, s, v float64) color.NRGBA {
	c := v * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	var r, g, b float64
	switch int(h / 60) {
	case 0:
		r, g = c, x
	case 1:
		r, g = x, c
	case 2:
		g, b = c, x
	case 3:
		g, b = x, c
	case 4:
		r, b = x, c
	default:
		r, b = c, x
	}
	m := v - c
	to8 := func(f float64) uint8 { return uint8(math.Round((f + m) * 255)) }
	return color.NRGBA{R: to8(r), G: to8(g), B: to8(b), A: 0xff}
}

// labelPalette is the colours labels 0..n-1 are painted in. When every
// label is named after one of the procedural landscapes' labels (the
// built-in landscape model's), each gets that label's colour, so sky is
// painted blue and grass green, as tessera landscape draws its maps;
// otherwise the colours are the generic palette's.
func labelPalette(n int, names []string) []color.NRGBA {
	out := make([]color.NRGBA, n)
	for l := range out {
		out[l] = labelColor(l)
	}
	if len(names) < n {
		return out
	}
	landscapeColors := make([]color.NRGBA, n)
	for l := range landscapeColors {
		i := slices.Index(landscape.Labels, names[l])
		if i < 0 {
			return out
		}
		landscapeColors[l] = landscape.LabelColors[i]
	}
	return landscapeColors
}

// swatch is a square of label l's colour c, as an icon. A thin dark
// border keeps light colours (cloud, snow) visible on a light theme.
func swatch(l int, c color.NRGBA) fyne.Resource {
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for y := range 16 {
		for x := range 16 {
			px := c
			if x == 0 || y == 0 || x == 15 || y == 15 {
				px = color.NRGBA{R: c.R / 2, G: c.G / 2, B: c.B / 2, A: 0xff}
			}
			img.SetNRGBA(x, y, px)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // writing to memory does not fail
	return fyne.NewStaticResource(fmt.Sprintf("label%d-%02x%02x%02x.png", l, c.R, c.G, c.B), b.Bytes())
}

// labelName is how label l is shown: its number, and its name if the model
// has one.
func labelName(l int, names []string) string {
	if l < len(names) && names[l] != "" {
		return fmt.Sprintf("%d · %s", l, names[l])
	}
	return fmt.Sprint(l)
}

// newLegend is the painter's palette: one button per valid label, in its
// colour; the chosen label is highlighted.
func newLegend(p *SegPainter, names []string) fyne.CanvasObject {
	buttons := make([]*widget.Button, p.n)
	choose := func(l int) {
		p.label = l
		for i, b := range buttons {
			b.Importance = widget.LowImportance
			if i == l {
				b.Importance = widget.HighImportance
			}
			b.Refresh()
		}
	}
	objs := make([]fyne.CanvasObject, p.n)
	for l := range p.n {
		buttons[l] = widget.NewButtonWithIcon(labelName(l, names), swatch(l, p.color(l)), func() { choose(l) })
		buttons[l].Alignment = widget.ButtonAlignLeading
		objs[l] = buttons[l]
	}
	choose(min(p.label, p.n-1))
	return container.NewGridWithColumns(min(p.n, 3), objs...)
}
