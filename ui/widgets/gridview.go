package ui

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// gridView shows an image made of W×H token cells, optionally with the cell
// lines drawn over it, and turns pointer events into cell coordinates: taps,
// drags (for painting and rectangle selection) and hovering.
type gridView struct {
	widget.BaseWidget

	img      image.Image
	cols     int // grid size in cells
	rows     int
	showGrid bool
	sel      image.Rectangle // selected cells; empty for none
	hover    image.Point
	hovering bool

	// Callbacks, all on the UI goroutine. onDrag gets the cell where the
	// drag began, the cell of the previous event and the current cell.
	onTap     func(c image.Point)
	onDrag    func(start, prev, cur image.Point)
	onDragEnd func()
	onHover   func(c image.Point, in bool)

	dragging    bool
	start, last image.Point
}

var (
	_ fyne.Tappable     = (*gridView)(nil)
	_ fyne.Draggable    = (*gridView)(nil)
	_ desktop.Hoverable = (*gridView)(nil)
)

func newGridView() *gridView {
	g := &gridView{showGrid: true}
	g.ExtendBaseWidget(g)
	return g
}

// setImage shows img as a cols×rows grid of cells.
func (g *gridView) setImage(img image.Image, cols, rows int) {
	g.img, g.cols, g.rows = img, cols, rows
	g.Refresh()
}

func (g *gridView) setGridVisible(on bool) {
	g.showGrid = on
	g.Refresh()
}

// setSelection outlines the cells of r (empty: no selection).
func (g *gridView) setSelection(r image.Rectangle) {
	g.sel = r
	g.Refresh()
}

// area is where the image is drawn: as large as fits, aspect kept, centred.
func (g *gridView) area(size fyne.Size) (fyne.Position, fyne.Size) {
	if g.img == nil || g.cols == 0 || g.rows == 0 {
		return fyne.Position{}, fyne.Size{}
	}
	b := g.img.Bounds()
	iw, ih := float32(b.Dx()), float32(b.Dy())
	s := min(size.Width/iw, size.Height/ih)
	w, h := iw*s, ih*s
	return fyne.NewPos((size.Width-w)/2, (size.Height-h)/2), fyne.NewSize(w, h)
}

// cellAt returns the cell under p, and whether p is on the image.
func (g *gridView) cellAt(p fyne.Position) (image.Point, bool) {
	at, size := g.area(g.Size())
	if size.Width == 0 {
		return image.Point{}, false
	}
	x := int((p.X - at.X) / size.Width * float32(g.cols))
	y := int((p.Y - at.Y) / size.Height * float32(g.rows))
	in := p.X >= at.X && p.Y >= at.Y && x < g.cols && y < g.rows
	return image.Pt(min(max(x, 0), g.cols-1), min(max(y, 0), g.rows-1)), in
}

func (g *gridView) Tapped(e *fyne.PointEvent) {
	if c, in := g.cellAt(e.Position); in && g.onTap != nil {
		g.onTap(c)
	}
}

// Dragged reports cells clamped to the grid, so a selection can be dragged
// past the edge. An event's position is where the pointer is now; it moved
// there by e.Dragged.
func (g *gridView) Dragged(e *fyne.DragEvent) {
	cur, _ := g.cellAt(e.Position)
	if !g.dragging {
		from := e.Position.Subtract(fyne.NewPos(e.Dragged.DX, e.Dragged.DY))
		c, in := g.cellAt(from)
		if !in {
			return // a drag has to start on the image
		}
		g.dragging, g.start, g.last = true, c, c
	}
	// The pointer moves while it drags, but hovering is not reported then.
	g.hover, g.hovering = cur, true
	if g.onDrag != nil {
		g.onDrag(g.start, g.last, cur)
	}
	g.last = cur
	g.Refresh()
}

func (g *gridView) DragEnd() {
	if !g.dragging {
		return
	}
	g.dragging = false
	if g.onDragEnd != nil {
		g.onDragEnd()
	}
}

func (g *gridView) MouseIn(e *desktop.MouseEvent) { g.MouseMoved(e) }

func (g *gridView) MouseMoved(e *desktop.MouseEvent) {
	c, in := g.cellAt(e.Position)
	if in == g.hovering && c == g.hover {
		return
	}
	g.hover, g.hovering = c, in
	g.Refresh()
	if g.onHover != nil {
		g.onHover(c, in)
	}
}

func (g *gridView) MouseOut() {
	g.hovering = false
	g.Refresh()
	if g.onHover != nil {
		g.onHover(g.hover, false)
	}
}

func (g *gridView) CreateRenderer() fyne.WidgetRenderer { return newGridRenderer(g) }
