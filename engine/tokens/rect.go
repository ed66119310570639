package tokens

import "fmt"

// checkRect reports a w×h rectangle at (x, y) that is empty or not wholly
// inside a gw×gh grid.
func checkRect(gw, gh, x, y, w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("tokens: rectangle %dx%d at (%d,%d) is empty", w, h, x, y)
	}
	if x < 0 || y < 0 || x > gw-w || y > gh-h {
		return fmt.Errorf("tokens: rectangle %dx%d at (%d,%d) is outside the %dx%d grid", w, h, x, y, gw, gh)
	}
	return nil
}

// Sub returns a copy of the w×h rectangle whose top-left cell is (x, y).
func (g Grid) Sub(x, y, w, h int) (Grid, error) {
	if err := checkRect(g.W, g.H, x, y, w, h); err != nil {
		return Grid{}, err
	}
	s := New(w, h)
	for r := range h {
		copy(s.Codes[r*w:(r+1)*w], g.Codes[(y+r)*g.W+x:])
	}
	return s, nil
}

// Paste copies src into g with its top-left cell at (x, y); src must fit.
func (g *Grid) Paste(src Grid, x, y int) error {
	if err := checkRect(g.W, g.H, x, y, src.W, src.H); err != nil {
		return err
	}
	for r := range src.H {
		copy(g.Codes[(y+r)*g.W+x:], src.Codes[r*src.W:(r+1)*src.W])
	}
	return nil
}

// FillRect sets every cell of the w×h rectangle at (x, y) to code.
func (g *Grid) FillRect(x, y, w, h, code int) error {
	if err := checkRect(g.W, g.H, x, y, w, h); err != nil {
		return err
	}
	for r := y; r < y+h; r++ {
		row := g.Codes[r*g.W+x : r*g.W+x+w]
		for i := range row {
			row[i] = code
		}
	}
	return nil
}
