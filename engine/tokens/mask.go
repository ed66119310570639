package tokens

import "fmt"

// Mask selects cells of a W×H grid, row-major like Grid. The sampler redraws
// the selected cells and keeps the others.
type Mask struct {
	W, H int
	Bits []bool
}

// NewMask returns a w×h mask with no cell selected.
func NewMask(w, h int) Mask {
	return Mask{W: w, H: h, Bits: make([]bool, w*h)}
}

// MaskFromRect returns a w×h mask selecting the rw×rh rectangle at (x, y),
// which must lie inside the grid.
func MaskFromRect(w, h, x, y, rw, rh int) (Mask, error) {
	if err := checkSize(w, h); err != nil {
		return Mask{}, fmt.Errorf("tokens: mask: %v", err)
	}
	m := NewMask(w, h)
	return m, m.SetRect(x, y, rw, rh, true)
}

// At reports whether the cell at column x, row y is selected.
func (m Mask) At(x, y int) bool { return m.Bits[y*m.W+x] }

// Set selects or clears the cell at column x, row y.
func (m *Mask) Set(x, y int, on bool) { m.Bits[y*m.W+x] = on }

// SetRect selects or clears the rw×rh rectangle at (x, y), so several
// rectangles can make one region.
func (m *Mask) SetRect(x, y, rw, rh int, on bool) error {
	if err := checkRect(m.W, m.H, x, y, rw, rh); err != nil {
		return err
	}
	for r := y; r < y+rh; r++ {
		row := m.Bits[r*m.W+x : r*m.W+x+rw]
		for i := range row {
			row[i] = on
		}
	}
	return nil
}

// Fill selects or clears every cell.
func (m *Mask) Fill(on bool) {
	for i := range m.Bits {
		m.Bits[i] = on
	}
}

// Count returns how many cells are selected.
func (m Mask) Count() int {
	n := 0
	for _, b := range m.Bits {
		if b {
			n++
		}
	}
	return n
}

// Validate checks that the mask has a positive size and one bit per cell.
func (m Mask) Validate() error {
	if err := checkSize(m.W, m.H); err != nil {
		return fmt.Errorf("tokens: mask: %v", err)
	}
	if len(m.Bits)%m.W != 0 || len(m.Bits)/m.W != m.H {
		return fmt.Errorf("tokens: mask: %d cells for a %dx%d mask", len(m.Bits), m.W, m.H)
	}
	return nil
}
