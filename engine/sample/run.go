package sample

import (
	"time"

	"tessera/engine/gpt"
	"tessera/engine/tokens"
)

// windowRun feeds the transformer window by window, keeping the key/value
// cache while consecutive positions share a window.
//
// Inside a window at (i0, j0) the sequence is the conditioning tokens, then
// the window's image tokens in raster order. The logits for the image token
// at window index p come from input condLen+p-1, and causality means only
// inputs 0..condLen+p-1 matter: the published loop runs all 2e²-1 inputs, but
// the prefix gives the same logits. While the window stays put the cache
// already holds a prefix, and only the tokens since then are fed.
type windowRun struct {
	s       *Sampler
	grids   []tokens.Grid
	place   placement
	cache   *gpt.Cache
	window  windowCache
	condLen int
	batch   int
	feed    []int
}

func (s *Sampler) newRun(grids []tokens.Grid, place placement, batch int) *windowRun {
	condLen := s.CondLen()
	return &windowRun{
		s: s, grids: grids, place: place, batch: batch, condLen: condLen,
		cache: s.model.NewCache(batch, condLen+s.edge*s.edge-1),
	}
}

// input returns input number idx of the window sequence for batch entry b.
func (r *windowRun) input(b, idx, i0, j0 int) int {
	e := r.s.edge
	if idx < r.condLen {
		if g := r.s.cond.Grid; g != nil {
			return g.At(wrap(j0+idx%e, g.W), wrap(i0+idx/e, g.H))
		}
		return r.s.cond.Token
	}
	l := idx - r.condLen
	g := r.grids[b]
	return g.At(wrap(j0+l%e, g.W), wrap(i0+l/e, g.H))
}

// sampleAt draws the token at row i, column j of every grid in the batch.
func (r *windowRun) sampleAt(i, j, pass int, opt Options) error {
	e := r.s.edge
	i0, j0 := r.place(i, j)
	p := windowIndex(i, j, i0, j0, r.grids[0].W, r.grids[0].H, e)
	need := r.condLen + p // inputs 0..need-1 give the logits for window index p
	start := r.window.next(i0, j0, need)
	r.cache.Truncate(start)
	t := need - start
	r.feed = r.feed[:0]
	for b := 0; b < r.batch; b++ {
		for idx := start; idx < need; idx++ {
			r.feed = append(r.feed, r.input(b, idx, i0, j0))
		}
	}
	began := time.Now()
	logits, err := r.s.model.Forward(r.cache, r.feed, t, []int{t - 1})
	if err != nil {
		return err
	}
	if opt.Steps != nil {
		opt.Steps(Step{Call: Call{Fed: t, Cached: start}, Batch: r.batch, Took: time.Since(began)})
	}
	vocab := r.s.model.Config.VocabSize
	w := r.grids[0].W
	for b := 0; b < r.batch; b++ {
		row := logits[b*vocab : (b+1)*vocab]
		if opt.Vocab > 0 && opt.Vocab < vocab {
			row = row[:opt.Vocab]
		}
		var tok int
		if opt.Filter.TopK == 1 {
			tok = Argmax(row) // greedy, as taming's sample=False
		} else {
			opt.Filter.Apply(row)
			tok = Draw(row, Uniform(opt.Seed, b, pass*len(r.grids[b].Codes)+i*w+j))
		}
		r.grids[b].Set(j, i, tok)
	}
	return nil
}
