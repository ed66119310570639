package codebook

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// mapWidget draws every codebook entry's patch at its place on the code
// vectors' first two principal components; clicking a patch selects it.
type mapWidget struct {
	widget.BaseWidget
	image *canvas.Image
	sel   *canvas.Rectangle

	patches  []*image.NRGBA
	points   [][2]float64
	dead     []bool
	rects    []image.Rectangle // where each entry was drawn, in units
	selected int
	onTap    func(entry int)
}

func newMapWidget(onTap func(int)) *mapWidget {
	m := &mapWidget{image: canvas.NewImageFromImage(nil), sel: outline(selectedColour), selected: -1, onTap: onTap}
	m.image.ScaleMode = canvas.ImageScalePixels
	m.ExtendBaseWidget(m)
	return m
}

// set shows a codebook's patches at their map points; dead marks unused
// entries (nil: none known).
func (m *mapWidget) set(patches []*image.NRGBA, points [][2]float64, dead []bool) {
	m.patches, m.points, m.dead = patches, points, dead
	m.Refresh()
}

func (m *mapWidget) setSelected(entry int) {
	m.selected = entry
	m.placeSelection()
}

func (m *mapWidget) placeSelection() {
	if m.selected < 0 || m.selected >= len(m.rects) {
		m.sel.Hide()
		return
	}
	r := m.rects[m.selected].Inset(-2)
	m.sel.Move(fyne.NewPos(float32(r.Min.X), float32(r.Min.Y)))
	m.sel.Resize(fyne.NewSize(float32(r.Dx()), float32(r.Dy())))
	m.sel.Show()
	m.sel.Refresh()
}

// Tapped selects the patch drawn on top at the click.
func (m *mapWidget) Tapped(e *fyne.PointEvent) {
	p := image.Pt(int(e.Position.X), int(e.Position.Y))
	for i := len(m.rects) - 1; i >= 0; i-- {
		if p.In(m.rects[i]) {
			m.onTap(i)
			return
		}
	}
}

// render draws the map at w×h units (one pixel each).
func (m *mapWidget) render(w, h int) {
	m.rects = nil
	if w < 1 || h < 1 || len(m.patches) == 0 {
		m.image.Image = nil
		return
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.NRGBA{24, 24, 28, 255}}, image.Point{}, draw.Src)
	n := len(m.patches)
	// Thumbnails shrink as the codebook grows so the map stays legible.
	t := int(float64(min(w, h)) / (math.Sqrt(float64(n)) * 1.5))
	t = max(4, min(t, 32, min(w, h)/2))
	minX, maxX, minY, maxY := bounds(m.points)
	m.rects = make([]image.Rectangle, n)
	for i, p := range m.patches {
		x := int((m.points[i][0] - minX) / max(maxX-minX, 1e-9) * float64(w-t))
		y := int((maxY - m.points[i][1]) / max(maxY-minY, 1e-9) * float64(h-t)) // up is positive
		r := image.Rect(x, y, x+t, y+t)
		m.rects[i] = r
		scaleInto(img, r, p)
		if i < len(m.dead) && m.dead[i] {
			dim(img, r, 3)
		}
	}
	m.image.Image = img
}

// bounds returns the extent of the points.
func bounds(pts [][2]float64) (minX, maxX, minY, maxY float64) {
	minX, minY = math.Inf(1), math.Inf(1)
	maxX, maxY = math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minX, maxX = min(minX, p[0]), max(maxX, p[0])
		minY, maxY = min(minY, p[1]), max(maxY, p[1])
	}
	return
}

// scaleInto draws src into r of dst, nearest neighbour.
func scaleInto(dst *image.NRGBA, r image.Rectangle, src *image.NRGBA) {
	sb := src.Bounds()
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			dst.SetNRGBA(r.Min.X+x, r.Min.Y+y, src.NRGBAAt(sb.Min.X+x*sb.Dx()/r.Dx(), sb.Min.Y+y*sb.Dy()/r.Dy()))
		}
	}
}

func (m *mapWidget) CreateRenderer() fyne.WidgetRenderer { return &mapRenderer{m: m} }

// mapRenderer redraws the map whenever its size changes.
type mapRenderer struct {
	m    *mapWidget
	size fyne.Size
}

func (r *mapRenderer) Layout(size fyne.Size) {
	r.size = size
	r.m.render(int(size.Width), int(size.Height))
	r.m.image.Resize(size)
	r.m.image.Refresh()
	r.m.placeSelection()
}

func (r *mapRenderer) MinSize() fyne.Size           { return fyne.NewSize(160, 160) }
func (r *mapRenderer) Refresh()                     { r.Layout(r.size) }
func (r *mapRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.m.image, r.m.sel} }
func (r *mapRenderer) Destroy()                     {}
