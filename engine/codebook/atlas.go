package codebook

import (
	"image"
	"image/color"
	"image/draw"
	"strconv"
)

// AtlasLayout places entries in a grid of cells, each a scaled patch with
// its index written underneath.
type AtlasLayout struct {
	Cols  int // entries per row
	Scale int // pixels per patch pixel
	Patch int // patch edge in pixels, before scaling
}

const (
	margin      = 2
	labelHeight = 2*glyphH + 2 // glyphs at double size plus a gap
)

// cellW and cellH are the size of one cell: the scaled patch, margins and label.
func (l AtlasLayout) cellW() int { return l.Patch*l.Scale + 2*margin }
func (l AtlasLayout) cellH() int { return l.Patch*l.Scale + 2*margin + labelHeight }

// Size is the atlas size in pixels for n entries.
func (l AtlasLayout) Size(n int) (int, int) {
	rows := (n + l.Cols - 1) / l.Cols
	return l.Cols * l.cellW(), rows * l.cellH()
}

// EntryAt returns the entry under pixel (x, y) of the atlas, or -1.
func (l AtlasLayout) EntryAt(x, y, n int) int {
	if x < 0 || y < 0 || x >= l.Cols*l.cellW() {
		return -1
	}
	i := (y/l.cellH())*l.Cols + x/l.cellW()
	if i >= n {
		return -1
	}
	return i
}

// PatchRect is where entry i's patch sits in the atlas.
func (l AtlasLayout) PatchRect(i int) image.Rectangle {
	x, y := (i%l.Cols)*l.cellW()+margin, (i/l.Cols)*l.cellH()+margin
	return image.Rect(x, y, x+l.Patch*l.Scale, y+l.Patch*l.Scale)
}

// Atlas draws the patches (in entry order, or in the given order when order
// is not nil) on a dark background with each entry's index below it.
func Atlas(patches []*image.NRGBA, order []int, l AtlasLayout) *image.NRGBA {
	if order == nil {
		order = make([]int, len(patches))
		for i := range order {
			order[i] = i
		}
	}
	w, h := l.Size(len(order))
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), &image.Uniform{color.NRGBA{24, 24, 28, 255}}, image.Point{}, draw.Src)
	for cell, entry := range order {
		r := l.PatchRect(cell)
		p := patches[entry]
		for y := 0; y < r.Dy(); y++ {
			for x := 0; x < r.Dx(); x++ {
				out.SetNRGBA(r.Min.X+x, r.Min.Y+y, p.NRGBAAt(p.Rect.Min.X+x/l.Scale, p.Rect.Min.Y+y/l.Scale))
			}
		}
		drawNumber(out, strconv.Itoa(entry), r.Min.X, r.Max.Y+2, r.Dx())
	}
	return out
}

// A 3x5 bitmap font for the digits, one row of three bits per line.
const glyphW, glyphH = 3, 5

var digits = [10][glyphH]uint8{
	{7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
	{7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
}

// drawNumber writes s centred in a box of the given width at double size,
// shrinking to single size when it would not fit.
func drawNumber(img *image.NRGBA, s string, x0, y0, width int) {
	size := 2
	if len(s)*(glyphW+1)*size > width {
		size = 1
	}
	x := x0 + (width-len(s)*(glyphW+1)*size)/2
	ink := color.NRGBA{220, 220, 220, 255}
	for _, ch := range s {
		g := digits[ch-'0']
		for gy := 0; gy < glyphH; gy++ {
			for gx := 0; gx < glyphW; gx++ {
				if g[gy]&(1<<(glyphW-1-gx)) == 0 {
					continue
				}
				for dy := 0; dy < size; dy++ {
					for dx := 0; dx < size; dx++ {
						img.SetNRGBA(x+gx*size+dx, y0+gy*size+dy, ink)
					}
				}
			}
		}
		x += (glyphW + 1) * size
	}
}
