package sample

import "tessera/engine/tokens"

// Call is one transformer call of a run: Fed inputs per grid, fed after
// the Cached positions the key/value cache already held.
type Call struct{ Fed, Cached int }

// windowCache follows which prefix of the current window the key/value
// cache holds, so the run and its schedule agree on what is fed.
type windowCache struct {
	win    [2]int
	have   bool
	cached int
}

// next moves to the window at (i0, j0) for a token whose logits need inputs
// 0..need-1, and returns the first input to feed: a moved window starts
// over, and a cache past need-1 is rewound to it.
func (c *windowCache) next(i0, j0, need int) (start int) {
	if !c.have || c.win != [2]int{i0, j0} {
		c.win, c.have, c.cached = [2]int{i0, j0}, true, 0
	}
	start = min(c.cached, need-1)
	c.cached = need
	return start
}

// passes are the placements of a run: the published clamped window, then
// for a tiling run a second pass of wrapped windows.
func passes(w, h, edge int, opt Options) []placement {
	ps := []placement{clamped(w, h, edge, opt.Stride)}
	if opt.Tile {
		// A first pass fills the grid so the wrapped windows of the second
		// see real tokens across every edge.
		ps = append(ps, wrapped(edge))
	}
	return ps
}

// windowIndex is the index of position (i, j) inside the window at (i0, j0).
func windowIndex(i, j, i0, j0, w, h, edge int) int {
	return wrap(i-i0, h)*edge + wrap(j-j0, w)
}

// Schedule lists the calls sampling the masked tokens of a grid makes, one
// per token in the order they are drawn, for an edge×edge window after
// condLen conditioning inputs. Estimates sum a measured Cost over it.
func Schedule(mask tokens.Mask, edge, condLen int, opt Options) []Call {
	opt = opt.withDefaults()
	w, h := mask.W, mask.H
	var calls []Call
	for _, place := range passes(w, h, edge, opt) {
		var c windowCache
		for i := range h {
			for j := range w {
				if !mask.At(j, i) {
					continue
				}
				i0, j0 := place(i, j)
				need := condLen + windowIndex(i, j, i0, j0, w, h, edge)
				start := c.next(i0, j0, need)
				calls = append(calls, Call{Fed: need - start, Cached: start})
			}
		}
	}
	return calls
}

// CondLen is how many conditioning inputs precede a window's tokens.
func (s *Sampler) CondLen() int {
	if s.cond.Grid != nil {
		return s.edge * s.edge
	}
	return 1
}

// Schedule is the package's Schedule for this sampler's window and
// conditioning.
func (s *Sampler) Schedule(mask tokens.Mask, opt Options) []Call {
	return Schedule(mask, s.edge, s.CondLen(), opt)
}
