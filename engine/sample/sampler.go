package sample

import (
	"context"
	"fmt"

	"tessera/engine/gpt"
	"tessera/engine/tokens"
)

// Cond is the conditioning of a transformer.
type Cond struct {
	// Token is the single conditioning token of class-conditional (the class
	// id) and unconditional (the SOS token) models.
	Token int
	// Grid, when set, is the token grid of a spatial condition (segmentation,
	// depth) of the same size as the output.
	Grid *tokens.Grid
}

// Options are the sampling settings.
type Options struct {
	Filter Filter
	Seed   int64
	// Count is how many grids to sample together as one batch (default 1).
	Count int
	// Stride is how many columns the sliding window advances at a time;
	// 1 (the default) is the published behaviour, larger values reuse the
	// key/value cache longer at some cost in context.
	Stride int
	// Tile wraps windows around the grid edges so the result tiles.
	Tile bool
	// Vocab, when set, restricts draws to tokens below it: a transformer's
	// vocabulary can be larger than the codebook that decodes its tokens.
	Vocab int
	// Progress, if set, is called after every sampled token with the grids
	// so far; they are only valid during the call.
	Progress func(Progress)
	// Steps, if set, is called after every transformer call with its
	// timing, for the cost model behind estimates.
	Steps func(Step)
}

// Progress reports sampling progress.
type Progress struct {
	Done, Total int
	Grids       []tokens.Grid
}

// Sampler draws tokens for one transformer and conditioning.
type Sampler struct {
	model *gpt.Model
	cond  Cond
	edge  int
}

// New prepares sampling from model with the given conditioning.
func New(model *gpt.Model, cond Cond) *Sampler {
	return &Sampler{model: model, cond: cond, edge: model.Config.Window(cond.Grid != nil)}
}

// Window is the edge of the square window the model attends to, which is
// also its native grid size.
func (s *Sampler) Window() int { return s.edge }

// LimitWindow narrows the window to e when e is smaller than what the
// context allows: a transformer whose block is longer than it needs was
// still trained on windows of its first stage's training grid.
func (s *Sampler) LimitWindow(e int) {
	if e > 0 && e < s.edge {
		s.edge = e
	}
}

// Sample draws opt.Count new grids of w×h tokens in raster order. On
// cancellation it returns the partial grids with the context's error.
func (s *Sampler) Sample(ctx context.Context, w, h int, opt Options) ([]tokens.Grid, error) {
	opt = opt.withDefaults()
	grids := make([]tokens.Grid, opt.Count)
	for b := range grids {
		grids[b] = tokens.New(w, h)
	}
	mask := tokens.NewMask(w, h)
	mask.Fill(true)
	return s.run(ctx, grids, mask, opt)
}

// Resample redraws the masked tokens of each grid in raster order, keeping
// every other token. Draws depend only on the seed, the grid's batch index
// and the position, so the same seed gives the same tokens in the region
// whatever else changed.
func (s *Sampler) Resample(ctx context.Context, grids []tokens.Grid, mask tokens.Mask, opt Options) ([]tokens.Grid, error) {
	opt = opt.withDefaults()
	out := make([]tokens.Grid, len(grids))
	for b, g := range grids {
		if g.W != mask.W || g.H != mask.H {
			return nil, fmt.Errorf("sample: a %dx%d mask for a %dx%d grid", mask.W, mask.H, g.W, g.H)
		}
		out[b] = g.Clone()
	}
	opt.Count = len(grids)
	return s.run(ctx, out, mask, opt)
}

func (o Options) withDefaults() Options {
	o.Count = max(o.Count, 1)
	o.Stride = max(o.Stride, 1)
	return o
}

func (s *Sampler) check(w, h int, opt Options) error {
	if err := opt.Filter.Validate(); err != nil {
		return err
	}
	e := s.edge
	switch {
	case w < e || h < e:
		return fmt.Errorf("sample: a %dx%d grid is smaller than the model's %dx%d window", w, h, e, e)
	case opt.Stride > e/2 && opt.Stride > 1:
		return fmt.Errorf("sample: stride %d is larger than half the window (%d)", opt.Stride, e/2)
	case s.cond.Grid != nil && (s.cond.Grid.W != w || s.cond.Grid.H != h):
		return fmt.Errorf("sample: the %dx%d conditioning grid does not match the %dx%d output", s.cond.Grid.W, s.cond.Grid.H, w, h)
	}
	vocab := s.model.Config.VocabSize
	if s.cond.Grid == nil && (s.cond.Token < 0 || s.cond.Token >= vocab) {
		return fmt.Errorf("sample: conditioning token %d is outside the vocabulary 0..%d", s.cond.Token, vocab-1)
	}
	if s.cond.Grid != nil {
		if err := s.cond.Grid.Validate(vocab); err != nil {
			return fmt.Errorf("sample: conditioning: %w", err)
		}
	}
	return nil
}

func (s *Sampler) run(ctx context.Context, grids []tokens.Grid, mask tokens.Mask, opt Options) ([]tokens.Grid, error) {
	w, h := mask.W, mask.H
	if err := s.check(w, h, opt); err != nil {
		return nil, err
	}
	places := passes(w, h, s.edge, opt)
	total := mask.Count() * len(places)
	done := 0
	for pass, place := range places {
		r := s.newRun(grids, place, len(grids))
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				if !mask.At(j, i) {
					continue
				}
				if err := ctx.Err(); err != nil {
					return grids, err
				}
				if err := r.sampleAt(i, j, pass, opt); err != nil {
					return grids, err
				}
				done++
				if opt.Progress != nil {
					opt.Progress(Progress{Done: done, Total: total, Grids: grids})
				}
			}
		}
	}
	return grids, nil
}
