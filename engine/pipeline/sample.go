package pipeline

import (
	"context"
	"fmt"
	"image"
	"time"

	"tessera/engine/model"
	"tessera/engine/sample"
	"tessera/engine/tokens"
)

// SampleRequest is everything a sampling run needs besides the model.
type SampleRequest struct {
	Cond    Condition
	W, H    int // grid size in tokens; zero means the model's native grid, or the condition's
	Options sample.Options
	Decode  DecodeOptions
	// PreviewEvery decodes the partial grids every so many tokens (0: never).
	PreviewEvery int
	// PreviewShare, when above 0, skips a due preview while previews have
	// taken more than this share of the run so far: decoding a large grid
	// can cost more than sampling a row of it.
	PreviewShare float64
}

// Progress reports a sampling run: tokens done, and now and then a preview
// of the first grid decoded.
type Progress struct {
	Done, Total int
	Grids       []tokens.Grid // valid during the call only
	Preview     *image.NRGBA
	Stage       string // "sampling" or "decoding"
	// Pixels is the size of the image being decoded, Cells the tokens of
	// its grid, Image its index among Images (decoding only).
	Pixels        image.Point
	Cells         int
	Image, Images int
	Partial       bool // the grid of a cancelled run
	// Rest is the transformer calls still to make while sampling (valid
	// during the call only), for an estimate of the time left.
	Rest []sample.Call
}

// Result is one sampled grid, its image and the parameters that made it.
type Result struct {
	Grid   tokens.Grid
	Image  *image.NRGBA
	Params map[string]any
	// Drawn of Planned token draws were made (per grid of the batch; a
	// tiling run draws each token twice): fewer when cancelled.
	Drawn, Planned int
}

// Sample draws new grids and decodes them. On cancellation it returns what
// it has: the partial grids, decoded, with the context's error.
func Sample(ctx context.Context, m *model.Model, req SampleRequest, progress func(Progress)) ([]Result, error) {
	if m.Transformer != nil && m.Spec.Cond.Kind != model.CondSpatial {
		// The size is known before the condition is built.
		w, h := gridSize(m, sample.Cond{}, req)
		if err := checkRequest(m, w, h, req); err != nil {
			return nil, err
		}
	}
	s, cond, notes, err := sampler(m, req)
	if err != nil {
		return nil, err
	}
	w, h := gridSize(m, cond, req)
	if err := checkRequest(m, w, h, req); err != nil {
		return nil, err
	}
	mask := tokens.NewMask(w, h)
	mask.Fill(true)
	calls := s.Schedule(mask, req.Options)
	opt, drawn := withProgress(ctx, m, req, calls, progress)
	grids, err := s.Sample(ctx, w, h, opt)
	return finish(m, req, grids, notes, "sample", progress, tally{*drawn, len(calls)}, err)
}

// Resample redraws the masked tokens of a grid, keeping the rest.
// A mask that selects no tokens is an error: the result would be the grid
// unchanged.
func Resample(ctx context.Context, m *model.Model, g tokens.Grid, mask tokens.Mask, req SampleRequest, progress func(Progress)) ([]Result, error) {
	if err := mask.Validate(); err != nil {
		return nil, err
	}
	if mask.Count() == 0 {
		return nil, fmt.Errorf("pipeline: the mask selects no tokens: mark at least one to resample")
	}
	s, cond, notes, err := sampler(m, req)
	if err != nil {
		return nil, err
	}
	if err := g.Validate(m.FirstStage.Quantizer.Vocab()); err != nil {
		return nil, err
	}
	if cond.Grid != nil && (cond.Grid.W != g.W || cond.Grid.H != g.H) {
		return nil, fmt.Errorf("pipeline: the condition gives a %dx%d grid but the grid to edit is %dx%d", cond.Grid.W, cond.Grid.H, g.W, g.H)
	}
	req.Options.Count = 1
	if err := checkRequest(m, g.W, g.H, req); err != nil {
		return nil, err
	}
	calls := s.Schedule(mask, req.Options)
	opt, drawn := withProgress(ctx, m, req, calls, progress)
	grids, err := s.Resample(ctx, []tokens.Grid{g}, mask, opt)
	return finish(m, req, grids, notes, "resample", progress, tally{*drawn, len(calls)}, err)
}

func sampler(m *model.Model, req SampleRequest) (*sample.Sampler, sample.Cond, []string, error) {
	cond, notes, err := buildCond(m, req.Cond, req.W, req.H)
	if err != nil {
		return nil, cond, nil, err
	}
	s := sample.New(m.Transformer, cond)
	s.LimitWindow(m.Window())
	return s, cond, notes, nil
}

func gridSize(m *model.Model, cond sample.Cond, req SampleRequest) (int, int) {
	if cond.Grid != nil {
		return cond.Grid.W, cond.Grid.H
	}
	w, h := req.W, req.H
	if w == 0 {
		w = m.Window()
	}
	if h == 0 {
		h = m.Window()
	}
	return w, h
}

// withProgress adds the sampler's progress callback, which counts the
// tokens drawn into *drawn and reports with the calls of the schedule still
// to make.
func withProgress(ctx context.Context, m *model.Model, req SampleRequest, calls []sample.Call, progress func(Progress)) (opt sample.Options, drawn *int) {
	opt = req.Options
	opt.Vocab = m.FirstStage.Quantizer.Vocab()
	drawn = new(int)
	start := time.Now()
	var previewTime time.Duration
	opt.Progress = func(p sample.Progress) {
		*drawn = p.Done
		if progress == nil {
			return
		}
		out := Progress{Done: p.Done, Total: p.Total, Grids: p.Grids, Stage: "sampling", Rest: calls[min(p.Done, len(calls)):]}
		// The finished grid is not previewed: finish decodes it next.
		if req.PreviewEvery > 0 && p.Done%req.PreviewEvery == 0 && p.Done < p.Total &&
			previewDue(previewTime, time.Since(start), req.PreviewShare) {
			// A preview shows the first grid as it stands; an error just
			// means no preview this time.
			t := time.Now()
			out.Preview, _ = Decode(ctx, m, p.Grids[0], req.Decode, nil)
			previewTime += time.Since(t)
		}
		progress(out)
	}
	return opt, drawn
}

// tally is how many of a run's tokens were drawn.
type tally struct{ drawn, planned int }

// previewDue tells whether another preview fits in share of the elapsed
// time (any share of 0 or less: always).
func previewDue(previews, elapsed time.Duration, share float64) bool {
	return share <= 0 || float64(previews) <= share*float64(elapsed)
}

// finish decodes the grids and attaches parameters; a sampling error (a
// cancellation) is returned alongside whatever could be decoded.
func finish(m *model.Model, req SampleRequest, grids []tokens.Grid, notes []string, op string, progress func(Progress), n tally, sampleErr error) ([]Result, error) {
	if grids == nil {
		return nil, sampleErr
	}
	var out []Result
	f := m.FirstStage.Config.Factor()
	for i, g := range grids {
		// The decoding phase has its own progress: images, and tiles of a
		// tiled decode.
		report := func(done, total int) {
			if progress != nil {
				progress(Progress{Done: i*total + done, Total: len(grids) * total, Stage: "decoding",
					Pixels: image.Pt(g.W*f, g.H*f), Cells: len(g.Codes), Image: i, Images: len(grids), Partial: sampleErr != nil})
			}
		}
		report(0, 1)
		// The partial grids of a cancelled run still decode: unsampled
		// tokens are 0, a valid code.
		img, err := Decode(context.Background(), m, g, req.Decode, report)
		if err != nil {
			return out, err
		}
		p := params(m, req, op, i, notes)
		if sampleErr != nil {
			// The run stopped early: tokens past where it stopped are 0.
			p[PartialKey] = true
		}
		out = append(out, Result{Grid: g, Image: img, Params: p, Drawn: n.drawn, Planned: n.planned})
	}
	return out, sampleErr
}

// Phase names the phase and its progress for a person: "Sampling 812/1536
// tokens", "Decoding 1024×512" ("Decoding 64×64, 2 of 4" in a batch).
func (p Progress) Phase() string {
	what := "Decoding"
	if p.Partial {
		what = "Decoding the partial grid"
	}
	switch {
	case p.Stage == "sampling":
		return fmt.Sprintf("Sampling %d/%d tokens", p.Done, p.Total)
	case p.Stage == "decoding" && p.Images > 1:
		return fmt.Sprintf("%s %d×%d, %d of %d", what, p.Pixels.X, p.Pixels.Y, p.Image+1, p.Images)
	case p.Stage == "decoding":
		return fmt.Sprintf("%s %d×%d", what, p.Pixels.X, p.Pixels.Y)
	}
	return p.Stage
}

// PartialKey marks the parameters of a result whose run was cancelled
// before every token was sampled.
const PartialKey = "partial"

// IsPartial reports whether params are those of a partial result.
func IsPartial(params map[string]any) bool {
	p, _ := params[PartialKey].(bool)
	return p
}

// params records how a result was made, for PNG metadata and galleries.
func params(m *model.Model, req SampleRequest, op string, index int, notes []string) map[string]any {
	o := req.Options
	p := map[string]any{
		"operation":   op,
		"model":       m.WeightsPath,
		"codebook":    m.FirstStage.Quantizer.Vocab(), // which models' codebooks the grid fits
		"seed":        o.Seed,
		"index":       index,
		"count":       max(o.Count, 1),
		"top_k":       o.Filter.TopK,
		"top_p":       o.Filter.TopP,
		"temperature": o.Filter.Temperature,
		"stride":      max(o.Stride, 1),
		"tile":        o.Tile,
	}
	if c := req.Cond.Class; c != nil {
		p["class"] = *c
	}
	if req.Cond.Describe != "" {
		p["condition"] = req.Cond.Describe
	}
	if len(notes) > 0 {
		p["notes"] = notes
	}
	return p
}
