package tokens

import (
	"slices"
	"strings"
	"testing"
)

// seq returns a w×h grid whose codes are 0, 1, 2... in row-major order.
func seq(w, h int) Grid {
	g := New(w, h)
	for i := range g.Codes {
		g.Codes[i] = i
	}
	return g
}

func TestGridRowMajor(t *testing.T) {
	g := New(3, 2)
	g.Set(2, 1, 7)
	g.Set(0, 1, 5)
	if want := []int{0, 0, 0, 5, 0, 7}; !slices.Equal(g.Codes, want) {
		t.Fatalf("codes %v, want %v", g.Codes, want)
	}
	if g.At(2, 1) != 7 || g.At(0, 1) != 5 || g.At(1, 0) != 0 {
		t.Fatalf("At disagrees with Set: %v", g.Codes)
	}
	if !g.In(2, 1) || g.In(3, 0) || g.In(0, 2) || g.In(-1, 0) {
		t.Fatal("In is wrong at the edges")
	}
}

func TestCloneIsIndependent(t *testing.T) {
	g := seq(2, 2)
	c := g.Clone()
	c.Set(0, 0, 99)
	if g.At(0, 0) != 0 {
		t.Fatal("changing a clone changed the original")
	}
	if g.Equal(c) {
		t.Fatal("Equal ignores a differing code")
	}
	c.Set(0, 0, 0)
	if !g.Equal(c) {
		t.Fatal("Equal rejects identical grids")
	}
	if g.Equal(Grid{W: 4, H: 1, Codes: g.Codes}) {
		t.Fatal("Equal ignores the shape")
	}
}

func TestValidate(t *testing.T) {
	ok := seq(4, 2)
	if err := ok.Validate(8); err != nil {
		t.Fatalf("valid grid: %v", err)
	}
	if err := ok.Validate(0); err != nil {
		t.Fatalf("unknown vocabulary: %v", err)
	}
	neg := seq(2, 2)
	neg.Set(1, 1, -3)
	for _, c := range []struct {
		g     Grid
		vocab int
		want  string
	}{
		{ok, 7, "tokens: code 7 at (3,1) is outside the vocabulary 0..6"},
		{neg, 0, "tokens: code -3 at (1,1) is negative"},
		{Grid{W: 4, H: 4, Codes: make([]int, 12)}, 16, "tokens: 12 codes for a 4x4 grid"},
		{Grid{W: 0, H: 4}, 16, "tokens: width must be positive, got 0"},
		{Grid{W: 4, H: -1}, 16, "tokens: height must be positive, got -1"},
		// Division-based checking: 2^32 × 2^32 wraps to 0 as a product.
		{Grid{W: 1 << 32, H: 1 << 32}, 0, "tokens: 0 codes for a 4294967296x4294967296 grid"},
	} {
		err := c.g.Validate(c.vocab)
		if err == nil || err.Error() != c.want {
			t.Errorf("Validate(%d) of %dx%d: got %v, want %q", c.vocab, c.g.W, c.g.H, err, c.want)
		}
	}
}

func TestSubPaste(t *testing.T) {
	g := seq(5, 4)
	s, err := g.Sub(1, 2, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{11, 12, 13, 16, 17, 18}; s.W != 3 || s.H != 2 || !slices.Equal(s.Codes, want) {
		t.Fatalf("Sub: %dx%d %v, want 3x2 %v", s.W, s.H, s.Codes, want)
	}
	s.Set(0, 0, -1)
	if g.At(1, 2) != 11 {
		t.Fatal("Sub shares storage with the grid")
	}

	dst := New(5, 4)
	if err := dst.Paste(s, 2, 0); err != nil {
		t.Fatal(err)
	}
	want := []int{
		0, 0, -1, 12, 13,
		0, 0, 16, 17, 18,
		0, 0, 0, 0, 0,
		0, 0, 0, 0, 0,
	}
	if !slices.Equal(dst.Codes, want) {
		t.Fatalf("Paste:\n got %v\nwant %v", dst.Codes, want)
	}

	if err := dst.FillRect(0, 3, 5, 1, 4); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dst.Codes[15:], []int{4, 4, 4, 4, 4}) || dst.At(4, 2) != 0 {
		t.Fatalf("FillRect touched the wrong cells: %v", dst.Codes)
	}
}

func TestRectOutside(t *testing.T) {
	g := seq(5, 4)
	before := slices.Clone(g.Codes)
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"Sub past the right edge", errOf(g.Sub(3, 0, 3, 1)), "tokens: rectangle 3x1 at (3,0) is outside the 5x4 grid"},
		{"Sub at a negative row", errOf(g.Sub(0, -1, 1, 1)), "tokens: rectangle 1x1 at (0,-1) is outside the 5x4 grid"},
		{"empty Sub", errOf(g.Sub(0, 0, 0, 2)), "tokens: rectangle 0x2 at (0,0) is empty"},
		{"Paste past the bottom", g.Paste(New(2, 2), 0, 3), "tokens: rectangle 2x2 at (0,3) is outside the 5x4 grid"},
		{"FillRect too wide", g.FillRect(0, 0, 6, 1, 1), "tokens: rectangle 6x1 at (0,0) is outside the 5x4 grid"},
	} {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("%s: got %v, want %q", c.name, c.err, c.want)
		}
	}
	if !slices.Equal(g.Codes, before) {
		t.Fatal("a rejected Paste or FillRect changed the grid")
	}
}

func errOf(_ Grid, err error) error { return err }

func TestMask(t *testing.T) {
	m, err := MaskFromRect(6, 5, 1, 2, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if m.Count() != 6 {
		t.Fatalf("Count = %d, want 6", m.Count())
	}
	for y := range 5 {
		for x := range 6 {
			in := x >= 1 && x < 4 && y >= 2 && y < 4
			if m.At(x, y) != in {
				t.Fatalf("At(%d,%d) = %v, want %v", x, y, m.At(x, y), in)
			}
		}
	}
	if err := m.SetRect(0, 0, 2, 1, true); err != nil {
		t.Fatal(err)
	}
	m.Set(1, 2, false)
	if m.Count() != 7 || !m.At(0, 0) || m.At(1, 2) {
		t.Fatalf("union of rectangles wrong: %v", m.Bits)
	}
	m.Fill(false)
	if m.Count() != 0 {
		t.Fatal("Fill(false) left cells selected")
	}
	m.Fill(true)
	if m.Count() != 30 {
		t.Fatal("Fill(true) missed cells")
	}
}

func TestMaskErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{errOfMask(MaskFromRect(14, 10, 12, 3, 4, 4)), "tokens: rectangle 4x4 at (12,3) is outside the 14x10 grid"},
		{errOfMask(MaskFromRect(14, 10, 0, 0, 0, 0)), "tokens: rectangle 0x0 at (0,0) is empty"},
		{errOfMask(MaskFromRect(0, 10, 0, 0, 1, 1)), "tokens: mask: width must be positive, got 0"},
		{Mask{W: 2, H: 2, Bits: make([]bool, 3)}.Validate(), "tokens: mask: 3 cells for a 2x2 mask"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("got %v, want %q", c.err, c.want)
		}
	}
}

func errOfMask(_ Mask, err error) error { return err }
