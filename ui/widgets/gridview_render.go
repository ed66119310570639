package widgets

import (
	"image"
	"image/color"
	"image/draw"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// Cell lines are light with a dark edge beside them, so they show on dark
// and light images alike.
var (
	gridLight = color.NRGBA{R: 255, G: 255, B: 255, A: 140}
	gridDark  = color.NRGBA{A: 90}
)

type gridRenderer struct {
	g       *GridView
	raster  *canvas.Raster // the image and the cell marks, cut to the widget
	drawn   int            // the GridView version the raster shows
	lines   []*canvas.Line // light and dark line per cell edge
	hover   *canvas.Rectangle
	sel     *canvas.Rectangle
	objects []fyne.CanvasObject
}

func newGridRenderer(g *GridView) *gridRenderer {
	r := &gridRenderer{
		g:     g,
		hover: &canvas.Rectangle{StrokeWidth: 2},
		sel:   &canvas.Rectangle{StrokeWidth: 2},
		drawn: -1,
	}
	r.raster = canvas.NewRaster(r.paint)
	r.raster.ScaleMode = canvas.ImageScalePixels
	r.Refresh()
	return r
}

func (r *gridRenderer) Destroy() {}

func (r *gridRenderer) MinSize() fyne.Size { return fyne.NewSquareSize(64) }

func (r *gridRenderer) Objects() []fyne.CanvasObject { return r.objects }

// paint draws the visible part of the image, nearest pixel, with the cell
// marks blended over it, into a w×h raster covering the widget.
func (r *gridRenderer) paint(w, h int) image.Image {
	g := r.g
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	size := g.Size()
	at, area := g.area(size)
	if area.Width == 0 || size.Width == 0 || size.Height == 0 {
		return out
	}
	src := toNRGBA(g.img)
	marks, _ := g.marks().(*image.NRGBA)
	b := src.Rect
	// Where each raster column and row samples the image (-1: outside).
	cols := samples(w, size.Width/float32(w), at.X, area.Width, b.Dx())
	rows := samples(h, size.Height/float32(h), at.Y, area.Height, b.Dy())
	for y, sy := range rows {
		if sy < 0 {
			continue
		}
		for x, sx := range cols {
			if sx < 0 {
				continue
			}
			i := src.PixOffset(b.Min.X+sx, b.Min.Y+sy)
			c := color.NRGBA{R: src.Pix[i], G: src.Pix[i+1], B: src.Pix[i+2], A: src.Pix[i+3]}
			if marks != nil {
				c = over(c, markAt(marks.NRGBAAt(sx*g.cols/b.Dx(), sy*g.rows/b.Dy()), x, y))
			}
			out.SetNRGBA(x, y, c)
		}
	}
	return out
}

// samples maps n raster pixels of step widget units each onto an image
// edge of px pixels drawn from at over length units.
func samples(n int, step, at, length float32, px int) []int {
	out := make([]int, n)
	for i := range out {
		u := ((float32(i)+0.5)*step - at) / length
		out[i] = -1
		if u >= 0 && u < 1 {
			out[i] = min(int(u*float32(px)), px-1)
		}
	}
	return out
}

// markAt is the tint of raster pixel (x, y) in a cell marked t: masked
// cells are striped, so they stand out on pale images too.
func markAt(t color.NRGBA, x, y int) color.NRGBA {
	if t == maskTint && (x+y)/6%2 == 1 {
		return color.NRGBA{}
	}
	return t
}

// over blends the translucent colour t over c.
func over(c, t color.NRGBA) color.NRGBA {
	if t.A == 0 {
		return c
	}
	a := uint32(t.A)
	mix := func(x, y uint8) uint8 { return uint8((uint32(x)*(255-a) + uint32(y)*a) / 255) }
	return color.NRGBA{R: mix(c.R, t.R), G: mix(c.G, t.G), B: mix(c.B, t.B), A: max(c.A, t.A)}
}

// toNRGBA is img as an NRGBA, converted when it is another type.
func toNRGBA(img image.Image) *image.NRGBA {
	if n, ok := img.(*image.NRGBA); ok {
		return n
	}
	out := image.NewNRGBA(img.Bounds())
	draw.Draw(out, out.Rect, img, img.Bounds().Min, draw.Src)
	return out
}

func (r *gridRenderer) Layout(size fyne.Size) {
	g := r.g
	r.raster.Move(fyne.Position{})
	r.raster.Resize(size)
	at, area := g.area(size)
	if g.cols == 0 || g.rows == 0 {
		return
	}
	// What is drawn over the image stays inside the widget.
	view := rect{x0: max(at.X, 0), y0: max(at.Y, 0), x1: min(at.X+area.Width, size.Width), y1: min(at.Y+area.Height, size.Height)}
	cw, ch := area.Width/float32(g.cols), area.Height/float32(g.rows)
	i := 0
	line := func(x1, y1, x2, y2 float32, in bool) {
		for _, l := range r.lines[i : i+2] {
			l.Hidden = !g.showGrid || !in
		}
		r.lines[i].Position1 = fyne.NewPos(x1, y1)
		r.lines[i].Position2 = fyne.NewPos(x2, y2)
		r.lines[i+1].Position1 = fyne.NewPos(x1+1, y1+1)
		r.lines[i+1].Position2 = fyne.NewPos(x2+1, y2+1)
		i += 2
	}
	for c := 1; c < g.cols; c++ {
		x := at.X + float32(c)*cw
		line(x, view.y0, x, view.y1, x >= view.x0 && x < view.x1-1)
	}
	for c := 1; c < g.rows; c++ {
		y := at.Y + float32(c)*ch
		line(view.x0, y, view.x1, y, y >= view.y0 && y < view.y1-1)
	}
	cells := func(o *canvas.Rectangle, c rect, show bool) {
		c = c.intersect(view)
		o.Move(fyne.NewPos(c.x0, c.y0))
		o.Resize(fyne.NewSize(c.x1-c.x0, c.y1-c.y0))
		o.Hidden = !show || c.empty()
	}
	cellRect := func(x0, y0, x1, y1 int) rect {
		return rect{at.X + float32(x0)*cw, at.Y + float32(y0)*ch, at.X + float32(x1)*cw, at.Y + float32(y1)*ch}
	}
	cells(r.hover, cellRect(g.hover.X, g.hover.Y, g.hover.X+1, g.hover.Y+1), g.hovering)
	cells(r.sel, cellRect(g.sel.Min.X, g.sel.Min.Y, g.sel.Max.X, g.sel.Max.Y), !g.sel.Empty())
}

// rect is a rectangle in the widget's coordinates.
type rect struct{ x0, y0, x1, y1 float32 }

func (a rect) intersect(b rect) rect {
	return rect{max(a.x0, b.x0), max(a.y0, b.y0), min(a.x1, b.x1), min(a.y1, b.y1)}
}

func (a rect) empty() bool { return a.x1 <= a.x0 || a.y1 <= a.y0 }

func (r *gridRenderer) Refresh() {
	g := r.g
	if n := 2 * (max(g.cols-1, 0) + max(g.rows-1, 0)); n != len(r.lines) {
		r.lines = make([]*canvas.Line, n)
		for i := range r.lines {
			c := gridLight
			if i%2 == 1 {
				c = gridDark
			}
			r.lines[i] = &canvas.Line{StrokeColor: c, StrokeWidth: 1}
		}
	}
	primary := theme.Color(theme.ColorNamePrimary)
	r.hover.StrokeColor = primary
	r.hover.FillColor = color.Transparent
	pr, pg, pb, _ := primary.RGBA()
	r.sel.StrokeColor = primary
	r.sel.FillColor = color.NRGBA{R: uint8(pr >> 8), G: uint8(pg >> 8), B: uint8(pb >> 8), A: 60}

	r.objects = r.objects[:0]
	r.objects = append(r.objects, r.raster)
	for _, l := range r.lines {
		r.objects = append(r.objects, l)
	}
	r.objects = append(r.objects, r.sel, r.hover)
	r.Layout(g.Size())
	// Painting the raster is the costly part: only when what it shows
	// changed, not for each pointer move.
	if r.drawn != g.version {
		r.drawn = g.version
		r.raster.Refresh()
	}
	for _, o := range r.objects[1:] {
		o.Refresh()
	}
}
