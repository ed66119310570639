package pipeline

import (
	"time"

	"tessera/engine/model"
	"tessera/engine/sample"
	"tessera/engine/tokens"
)

// Cost is what runs with a model measured: its transformer calls, and the
// time to decode one latent cell (from the last decode).
type Cost struct {
	Sampling      sample.Cost
	DecodePerCell time.Duration
}

// Estimate is the time left of a run of req that still makes calls (the
// rest of its schedule) for grids of w×h tokens: the calls, the previews
// due among them (kept to the request's share of the run) and the decode.
func (c Cost) Estimate(req SampleRequest, calls []sample.Call, w, h int) time.Duration {
	count := max(req.Options.Count, 1)
	sampling := c.Sampling.Time(count, calls...)
	decode := c.DecodePerCell * time.Duration(w*h)
	var previews time.Duration
	if req.PreviewEvery > 0 {
		previews = decode * time.Duration(len(calls)/req.PreviewEvery)
		if s := req.PreviewShare; s > 0 && s < 1 {
			previews = min(previews, time.Duration(s/(1-s)*float64(sampling)))
		}
	}
	return sampling + previews + decode*time.Duration(count)
}

// Plan is the transformer calls a request will make, in order, and its grid
// size, known before the condition is built: for an estimate.
func Plan(m *model.Model, req SampleRequest) (calls []sample.Call, w, h int) {
	var cond sample.Cond
	if k := m.Spec.Cond.Kind; k == model.CondSpatial || k == model.CondFirstStage {
		cond.Grid = &tokens.Grid{} // only its presence sets the window's layout
	}
	s := sample.New(m.Transformer, cond)
	s.LimitWindow(m.Window())
	w, h = req.W, req.H
	if w == 0 {
		w = m.Window()
	}
	if h == 0 {
		h = m.Window()
	}
	mask := tokens.NewMask(w, h)
	mask.Fill(true)
	return s.Schedule(mask, req.Options), w, h
}
