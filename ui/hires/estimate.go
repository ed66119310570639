package hires

// windowInputs counts the inputs the transformer is fed to sample a w×h
// grid with an e×e window, following sample's window run: a window keeps
// its key/value cache while it stays put, and every move refeeds the
// condition and the window's tokens up to the one drawn. Sampling cost
// grows with it, so it turns a cost measured on the native grid into an
// estimate for a larger one.
func windowInputs(w, h, e, stride, condLen int, tile bool) int {
	stride = max(stride, 1)
	type corner struct{ i, j int }
	places := []func(i, j int) corner{func(i, j int) corner {
		i0 := min(max(i-e/2, 0), h-e)
		j0 := min(max(floorDiv(j-e/2, stride)*stride, 0), w-e)
		return corner{i0, j0}
	}}
	if tile {
		places = append(places, func(i, j int) corner { return corner{i - e/2, j - e/2} })
	}
	fed := 0
	for _, place := range places {
		cached, win := 0, corner{-1 << 30, 0}
		for i := range h {
			for j := range w {
				c := place(i, j)
				need := condLen + wrapIndex(i-c.i, h)*e + wrapIndex(j-c.j, w)
				if c != win {
					cached, win = 0, c
				}
				cached = min(cached, need-1)
				fed += need - cached
				cached = need
			}
		}
	}
	return fed
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func wrapIndex(i, n int) int { return ((i % n) + n) % n }
