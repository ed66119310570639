package widgets

import "fyne.io/fyne/v2"

var _ fyne.Focusable = (*GridView)(nil)

// focus gives the grid the keyboard, as a click on it does, so the zoom
// keys and the caller's OnRune keys reach it.
func (g *GridView) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(g); c != nil && c.Focused() != g {
		c.Focus(g)
	}
}

func (g *GridView) FocusGained() {}
func (g *GridView) FocusLost()   {}

// TypedRune zooms on + = - 0 and passes any other key to OnRune.
func (g *GridView) TypedRune(r rune) {
	if !g.zoomKey(r) && g.OnRune != nil {
		g.OnRune(r)
	}
}

// TypedKey moves the image with the arrow keys, a cell at a time.
func (g *GridView) TypedKey(e *fyne.KeyEvent) {
	_, area := g.area(g.Size())
	if g.cols == 0 || g.rows == 0 {
		return
	}
	cw, ch := area.Width/float32(g.cols), area.Height/float32(g.rows)
	switch e.Name {
	case fyne.KeyLeft:
		g.PanBy(cw, 0)
	case fyne.KeyRight:
		g.PanBy(-cw, 0)
	case fyne.KeyUp:
		g.PanBy(0, ch)
	case fyne.KeyDown:
		g.PanBy(0, -ch)
	}
}
