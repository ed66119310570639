// Package widgets holds the widgets and small helpers that more than one
// view of the studio uses: the token grid view, the segmentation painter
// and its legend, the condition picker, the results gallery, plots, a
// view's status line, and the formatting of times. It builds on package
// view and on no view.
package widgets

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/tokens"
)

// GridView shows an image made of W×H token cells, optionally with the cell
// lines drawn over it, and turns pointer events into cell coordinates: taps,
// drags (for painting and rectangle selection) and hovering.
type GridView struct {
	widget.BaseWidget

	img      image.Image
	cols     int // grid size in cells
	rows     int
	showGrid bool
	sel      image.Rectangle // selected cells; empty for none
	pending  tokens.Mask     // cells edited but not decoded yet
	mask     tokens.Mask     // cells selected one by one
	hover    image.Point
	hovering bool

	// Callbacks, all on the UI goroutine. OnDrag gets the cell where the
	// drag began, the cell of the previous event and the current cell.
	OnTap     func(c image.Point)
	OnDrag    func(start, prev, cur image.Point)
	OnDragEnd func()
	OnHover   func(c image.Point, in bool)
	// OnRune gets the keys typed while the grid has the keyboard (a click
	// gives it), other than the zoom keys.
	OnRune func(r rune)

	// Panning makes a drag move the image instead of reporting cells.
	Panning bool

	zoom    float32       // relative to the fitted image
	pan     fyne.Position // the image's offset from centred
	version int           // counts changes to what the raster shows

	dragging    bool
	start, last image.Point
}

var (
	_ fyne.Tappable     = (*GridView)(nil)
	_ fyne.Draggable    = (*GridView)(nil)
	_ desktop.Hoverable = (*GridView)(nil)
)

func NewGridView() *GridView {
	g := &GridView{showGrid: true, zoom: 1}
	g.ExtendBaseWidget(g)
	return g
}

// SetImage shows img as a cols×rows grid of cells.
// A grid of another size is fitted to the widget; the same size keeps the
// zoom and pan, so an edit does not move the image.
func (g *GridView) SetImage(img image.Image, cols, rows int) {
	if cols != g.cols || rows != g.rows {
		g.zoom, g.pan = 1, fyne.Position{}
	}
	g.img, g.cols, g.rows = img, cols, rows
	g.version++
	g.Refresh()
}

func (g *GridView) SetGridVisible(on bool) {
	g.showGrid = on
	g.Refresh()
}

// SetSelection outlines the cells of r (empty: no selection).
func (g *GridView) SetSelection(r image.Rectangle) {
	g.sel = r
	g.Refresh()
}

// Hover is the cell last under the pointer, and whether the pointer is
// on the image now.
func (g *GridView) Hover() (image.Point, bool) { return g.hover, g.hovering }

// area is where the image is drawn: fitted to the widget (aspect kept,
// centred), times the zoom, moved by the pan. It may reach past the
// widget's edges; the renderer draws only what is inside.
func (g *GridView) area(size fyne.Size) (fyne.Position, fyne.Size) {
	at, area := g.scaled(size)
	return at.Add(g.clampPan(size)), area
}

// scaled is area before panning.
func (g *GridView) scaled(size fyne.Size) (fyne.Position, fyne.Size) {
	if g.img == nil || g.cols == 0 || g.rows == 0 {
		return fyne.Position{}, fyne.Size{}
	}
	b := g.img.Bounds()
	iw, ih := float32(b.Dx()), float32(b.Dy())
	s := min(size.Width/iw, size.Height/ih) * g.Zoom()
	w, h := iw*s, ih*s
	return fyne.NewPos((size.Width-w)/2, (size.Height-h)/2), fyne.NewSize(w, h)
}

// CellCentre is where the centre of cell c is drawn, in the widget's
// coordinates.
func (g *GridView) CellCentre(c image.Point) fyne.Position {
	at, size := g.area(g.Size())
	return fyne.NewPos(
		at.X+(float32(c.X)+0.5)*size.Width/float32(g.cols),
		at.Y+(float32(c.Y)+0.5)*size.Height/float32(g.rows))
}

// cellAt returns the cell under p, and whether p is on the image.
func (g *GridView) cellAt(p fyne.Position) (image.Point, bool) {
	at, size := g.area(g.Size())
	if size.Width == 0 {
		return image.Point{}, false
	}
	x := int((p.X - at.X) / size.Width * float32(g.cols))
	y := int((p.Y - at.Y) / size.Height * float32(g.rows))
	in := p.X >= at.X && p.Y >= at.Y && x < g.cols && y < g.rows
	return image.Pt(min(max(x, 0), g.cols-1), min(max(y, 0), g.rows-1)), in
}

func (g *GridView) Tapped(e *fyne.PointEvent) {
	g.focus()
	if c, in := g.cellAt(e.Position); in && g.OnTap != nil {
		g.OnTap(c)
	}
}

// Dragged reports cells clamped to the grid, so a selection can be dragged
// past the edge. An event's position is where the pointer is now; it moved
// there by e.Dragged.
func (g *GridView) Dragged(e *fyne.DragEvent) {
	g.focus()
	if g.Panning || modifiers()&fyne.KeyModifierShift != 0 {
		g.PanBy(e.Dragged.DX, e.Dragged.DY)
		return
	}
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
	if g.OnDrag != nil {
		g.OnDrag(g.start, g.last, cur)
	}
	g.last = cur
	g.Refresh()
}

func (g *GridView) DragEnd() {
	if !g.dragging {
		return
	}
	g.dragging = false
	if g.OnDragEnd != nil {
		g.OnDragEnd()
	}
}

func (g *GridView) MouseIn(e *desktop.MouseEvent) { g.MouseMoved(e) }

func (g *GridView) MouseMoved(e *desktop.MouseEvent) {
	c, in := g.cellAt(e.Position)
	if in == g.hovering && c == g.hover {
		return
	}
	g.hover, g.hovering = c, in
	g.Refresh()
	if g.OnHover != nil {
		g.OnHover(c, in)
	}
}

func (g *GridView) MouseOut() {
	g.hovering = false
	g.Refresh()
	if g.OnHover != nil {
		g.OnHover(g.hover, false)
	}
}

func (g *GridView) CreateRenderer() fyne.WidgetRenderer { return newGridRenderer(g) }
