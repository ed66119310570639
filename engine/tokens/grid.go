// Package tokens holds the token grid: the codebook indices a VQGAN encodes
// an image into, laid out on the latent's spatial grid, and the masks that
// select regions of it.
package tokens

import (
	"fmt"
	"slices"
)

// Grid is a W×H grid of codebook indices in row-major order: the code at
// column x, row y is Codes[y*W+x].
type Grid struct {
	W, H  int
	Codes []int
}

// New returns a w×h grid of zeros.
func New(w, h int) Grid {
	return Grid{W: w, H: h, Codes: make([]int, w*h)}
}

// In reports whether (x, y) lies inside the grid.
func (g Grid) In(x, y int) bool {
	return x >= 0 && x < g.W && y >= 0 && y < g.H
}

// At returns the code at column x, row y.
func (g Grid) At(x, y int) int { return g.Codes[y*g.W+x] }

// Set stores code at column x, row y.
func (g *Grid) Set(x, y, code int) { g.Codes[y*g.W+x] = code }

// Clone returns a grid that shares no storage with g.
func (g Grid) Clone() Grid {
	return Grid{W: g.W, H: g.H, Codes: slices.Clone(g.Codes)}
}

// Equal reports whether both grids have the same size and codes.
func (g Grid) Equal(o Grid) bool {
	return g.W == o.W && g.H == o.H && slices.Equal(g.Codes, o.Codes)
}

// Validate checks that the grid has a positive size, as many codes as cells,
// and codes in [0, vocab). A vocab of 0 means the vocabulary is not known
// yet: only the size and non-negative codes are checked.
func (g Grid) Validate(vocab int) error {
	if err := checkSize(g.W, g.H); err != nil {
		return fmt.Errorf("tokens: %v", err)
	}
	if err := checkCodes(g.W, g.H, g.Codes, vocab); err != nil {
		return fmt.Errorf("tokens: %v", err)
	}
	return nil
}

func checkSize(w, h int) error {
	switch {
	case w <= 0:
		return fmt.Errorf("width must be positive, got %d", w)
	case h <= 0:
		return fmt.Errorf("height must be positive, got %d", h)
	}
	return nil
}

// checkCodes expects a valid size. Division, not w*h, keeps huge sizes from
// overflowing into a false match.
func checkCodes(w, h int, codes []int, vocab int) error {
	if len(codes)%w != 0 || len(codes)/w != h {
		return fmt.Errorf("%d codes for a %dx%d grid", len(codes), w, h)
	}
	for i, c := range codes {
		if c < 0 || (vocab > 0 && c >= vocab) {
			if vocab > 0 {
				return fmt.Errorf("code %d at (%d,%d) is outside the vocabulary 0..%d", c, i%w, i/w, vocab-1)
			}
			return fmt.Errorf("code %d at (%d,%d) is negative", c, i%w, i/w)
		}
	}
	return nil
}
