package widgets

import (
	"image/color"

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
	img     *canvas.Image
	marks   *canvas.Image  // pending and masked cells, one pixel per cell
	lines   []*canvas.Line // light and dark line per cell edge
	hover   *canvas.Rectangle
	sel     *canvas.Rectangle
	objects []fyne.CanvasObject
}

func newGridRenderer(g *GridView) *gridRenderer {
	r := &gridRenderer{
		g:     g,
		img:   &canvas.Image{FillMode: canvas.ImageFillStretch, ScaleMode: canvas.ImageScalePixels},
		marks: &canvas.Image{FillMode: canvas.ImageFillStretch, ScaleMode: canvas.ImageScalePixels},
		hover: &canvas.Rectangle{StrokeWidth: 2},
		sel:   &canvas.Rectangle{StrokeWidth: 2},
	}
	r.Refresh()
	return r
}

func (r *gridRenderer) Destroy() {}

func (r *gridRenderer) MinSize() fyne.Size { return fyne.NewSquareSize(64) }

func (r *gridRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *gridRenderer) Layout(size fyne.Size) {
	g := r.g
	at, area := g.area(size)
	r.img.Move(at)
	r.img.Resize(area)
	r.marks.Move(at)
	r.marks.Resize(area)
	if g.cols == 0 || g.rows == 0 {
		return
	}
	cw, ch := area.Width/float32(g.cols), area.Height/float32(g.rows)
	i := 0
	line := func(x1, y1, x2, y2 float32) {
		r.lines[i].Position1 = fyne.NewPos(x1, y1)
		r.lines[i].Position2 = fyne.NewPos(x2, y2)
		r.lines[i+1].Position1 = fyne.NewPos(x1+1, y1+1)
		r.lines[i+1].Position2 = fyne.NewPos(x2+1, y2+1)
		i += 2
	}
	for c := 1; c < g.cols; c++ {
		x := at.X + float32(c)*cw
		line(x, at.Y, x, at.Y+area.Height)
	}
	for c := 1; c < g.rows; c++ {
		y := at.Y + float32(c)*ch
		line(at.X, y, at.X+area.Width, y)
	}
	cell := func(x, y int) fyne.Position { return fyne.NewPos(at.X+float32(x)*cw, at.Y+float32(y)*ch) }
	r.hover.Move(cell(g.hover.X, g.hover.Y))
	r.hover.Resize(fyne.NewSize(cw, ch))
	r.sel.Move(cell(g.sel.Min.X, g.sel.Min.Y))
	r.sel.Resize(fyne.NewSize(float32(g.sel.Dx())*cw, float32(g.sel.Dy())*ch))
}

func (r *gridRenderer) Refresh() {
	g := r.g
	r.img.Image = g.img
	r.marks.Image = g.marks()
	r.marks.Hidden = r.marks.Image == nil
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
	for _, l := range r.lines {
		l.Hidden = !g.showGrid
	}
	primary := theme.Color(theme.ColorNamePrimary)
	r.hover.StrokeColor = primary
	r.hover.FillColor = color.Transparent
	r.hover.Hidden = !g.hovering
	pr, pg, pb, _ := primary.RGBA()
	r.sel.StrokeColor = primary
	r.sel.FillColor = color.NRGBA{R: uint8(pr >> 8), G: uint8(pg >> 8), B: uint8(pb >> 8), A: 60}
	r.sel.Hidden = g.sel.Empty()

	r.objects = r.objects[:0]
	r.objects = append(r.objects, r.img, r.marks)
	for _, l := range r.lines {
		r.objects = append(r.objects, l)
	}
	r.objects = append(r.objects, r.sel, r.hover)
	r.Layout(g.Size())
	for _, o := range r.objects {
		o.Refresh()
	}
}
