package hires

import "testing"

func TestWindowInputs(t *testing.T) {
	for _, c := range []struct {
		w, h, e, stride, cond int
		tile                  bool
		want                  int
	}{
		{8, 8, 8, 1, 1, false, 64},  // native, class token: each input once
		{4, 4, 4, 1, 16, false, 31}, // native, spatial: 16 cond inputs + 15 tokens
		// One more column: each row starts in the left window and moves to
		// the right one at column 5, refeeding rows 0..i both times:
		// sum over i of (1+8i) + 4 + (1+8i+4) + 3.
		{9, 8, 8, 1, 1, false, 552},
	} {
		if got := windowInputs(c.w, c.h, c.e, c.stride, c.cond, c.tile); got != c.want {
			t.Errorf("windowInputs(%d, %d, e %d, stride %d, cond %d, tile %v) = %d, want %d", c.w, c.h, c.e, c.stride, c.cond, c.tile, got, c.want)
		}
	}
	// Wider strides keep windows longer: fewer inputs.
	if a, b := windowInputs(32, 32, 8, 1, 1, false), windowInputs(32, 32, 8, 4, 1, false); b >= a {
		t.Errorf("stride 4 feeds %d inputs, stride 1 %d", b, a)
	}
}
