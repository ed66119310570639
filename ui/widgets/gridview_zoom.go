package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// Zoom limits, relative to the image fitted to the widget.
const (
	minZoom  = 0.25
	maxZoom  = 32
	zoomStep = 1.25 // one button press, key or wheel notch
)

var _ fyne.Scrollable = (*GridView)(nil)

// Zoom is the magnification relative to the image fitted to the widget.
func (g *GridView) Zoom() float32 { return max(g.zoom, 0) }

// ZoomIn and ZoomOut zoom by one step about the widget's centre.
func (g *GridView) ZoomIn()  { g.ZoomAbout(zoomStep, g.centre()) }
func (g *GridView) ZoomOut() { g.ZoomAbout(1/zoomStep, g.centre()) }

// Fit shows the whole image as large as fits, centred.
func (g *GridView) Fit() {
	g.zoom, g.pan = 1, fyne.Position{}
	g.moved()
}

// ZoomAbout multiplies the zoom by f, keeping the image point under p (in
// the widget's coordinates) where it is.
func (g *GridView) ZoomAbout(f float32, p fyne.Position) {
	size := g.Size()
	at, area := g.area(size)
	if area.Width == 0 {
		return
	}
	z := min(max(g.Zoom()*f, minZoom), maxZoom)
	// The point under p, as a fraction of the image.
	u := fyne.NewPos((p.X-at.X)/area.Width, (p.Y-at.Y)/area.Height)
	g.zoom = z
	_, area = g.area(size) // the new size; then place u under p
	g.pan = fyne.NewPos(p.X-u.X*area.Width-(size.Width-area.Width)/2, p.Y-u.Y*area.Height-(size.Height-area.Height)/2)
	g.moved()
}

// PanBy moves the image by d, as far as it can go: a zoomed image always
// covers the widget, a smaller one stays centred.
func (g *GridView) PanBy(dx, dy float32) {
	g.pan = g.pan.Add(fyne.NewPos(dx, dy))
	g.moved()
}

// moved keeps the pan within reach and redraws.
func (g *GridView) moved() {
	g.pan = g.clampPan(g.Size())
	g.version++
	g.Refresh()
}

// clampPan is the pan that keeps a zoomed image over the whole widget.
func (g *GridView) clampPan(size fyne.Size) fyne.Position {
	_, area := g.scaled(size)
	limit := func(p, room float32) float32 {
		if room <= 0 {
			return 0
		}
		return min(max(p, -room/2), room/2)
	}
	return fyne.NewPos(limit(g.pan.X, area.Width-size.Width), limit(g.pan.Y, area.Height-size.Height))
}

func (g *GridView) centre() fyne.Position {
	s := g.Size()
	return fyne.NewPos(s.Width/2, s.Height/2)
}

// Scrolled pans, or zooms about the pointer while Ctrl (Cmd) is held.
func (g *GridView) Scrolled(e *fyne.ScrollEvent) {
	if modifiers()&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0 {
		f := float32(zoomStep)
		if e.Scrolled.DY < 0 {
			f = 1 / f
		}
		g.ZoomAbout(f, e.Position)
		return
	}
	g.PanBy(e.Scrolled.DX, e.Scrolled.DY)
}

// modifiers are the keys held now, where the driver can tell.
func modifiers() fyne.KeyModifier {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()
	}
	return 0
}

// zoomKey handles the zoom keys: + and = zoom in, - out, 0 fits.
func (g *GridView) zoomKey(r rune) bool {
	switch r {
	case '+', '=':
		g.ZoomIn()
	case '-':
		g.ZoomOut()
	case '0':
		g.Fit()
	default:
		return false
	}
	return true
}
