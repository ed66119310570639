package session

import (
	"context"
	"time"

	"tessera/engine/jobs"
	"tessera/engine/pipeline"
	"tessera/engine/tokens"
)

// Sampled is the progress preview of a sampling job: the grids so far and,
// now and then, the first one decoded.
type Sampled struct {
	Grids []tokens.Grid
	Image any // *image.NRGBA when a preview was decoded
}

// Sample draws new images on the worker. The result is []pipeline.Result;
// a cancelled job keeps the partial results.
func (s *Session) Sample(req pipeline.SampleRequest) *jobs.Job {
	return s.Worker.Submit("sample", func(ctx context.Context, report func(jobs.Progress)) (jobs.Result, error) {
		m, err := s.current()
		if err != nil {
			return nil, err
		}
		return s.measure(func() ([]pipeline.Result, error) {
			return pipeline.Sample(ctx, m, req, progressTo(report))
		})
	})
}

// Resample redraws the masked tokens of g on the worker.
func (s *Session) Resample(g tokens.Grid, mask tokens.Mask, req pipeline.SampleRequest) *jobs.Job {
	g = g.Clone()
	return s.Worker.Submit("resample", func(ctx context.Context, report func(jobs.Progress)) (jobs.Result, error) {
		m, err := s.current()
		if err != nil {
			return nil, err
		}
		return s.measure(func() ([]pipeline.Result, error) {
			return pipeline.Resample(ctx, m, g, mask, req, progressTo(report))
		})
	})
}

// progressTo forwards sampling progress to a job, copying the grids since
// the sampler reuses them.
func progressTo(report func(jobs.Progress)) func(pipeline.Progress) {
	return func(p pipeline.Progress) {
		jp := jobs.Progress{Done: p.Done, Total: p.Total, Message: p.Stage}
		if p.Stage == "sampling" {
			grids := make([]tokens.Grid, len(p.Grids))
			for i, g := range p.Grids {
				grids[i] = g.Clone()
			}
			prev := Sampled{Grids: grids}
			if p.Preview != nil {
				prev.Image = p.Preview
			}
			jp.Preview = prev
		}
		report(jp)
	}
}

// tokenCost is the measured time per sampled token, for estimates.
type tokenCost struct {
	tokens  int
	elapsed time.Duration
}

// measure times a sampling run and records its cost per token.
func (s *Session) measure(run func() ([]pipeline.Result, error)) ([]pipeline.Result, error) {
	start := time.Now()
	res, err := run()
	n := 0
	for _, r := range res {
		n += len(r.Grid.Codes)
	}
	if n > 0 && err == nil {
		s.mu.Lock()
		s.cost.tokens += n
		s.cost.elapsed += time.Since(start)
		s.mu.Unlock()
	}
	return res, err
}

// PerToken is the measured sampling time per token with the current model,
// and false before anything was sampled.
func (s *Session) PerToken() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cost.tokens == 0 {
		return 0, false
	}
	return s.cost.elapsed / time.Duration(s.cost.tokens), true
}
