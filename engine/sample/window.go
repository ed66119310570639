package sample

// placement maps a grid position to the top-left corner of its window.
type placement func(i, j int) (i0, j0 int)

// clamped is the published sliding-window rule: the window is centred on
// the position (offset e/2) and pushed back inside the grid at the borders.
// With a stride above one the column start moves in steps of stride tokens,
// so the window (and its key/value cache) stays put for stride positions.
func clamped(w, h, e, stride int) placement {
	return func(i, j int) (int, int) {
		i0 := min(max(i-e/2, 0), h-e)
		j0 := min(max(floorDiv(j-e/2, stride)*stride, 0), w-e)
		return i0, j0
	}
}

// wrapped centres the window on every position, wrapping around the grid
// edges, so context is taken from the opposite side: used for tiling.
func wrapped(e int) placement {
	return func(i, j int) (int, int) { return i - e/2, j - e/2 }
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func wrap(i, n int) int {
	i %= n
	if i < 0 {
		i += n
	}
	return i
}
