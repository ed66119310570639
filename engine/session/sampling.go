package session

import (
	"context"
	"time"

	"tessera/engine/jobs"
	"tessera/engine/pipeline"
	"tessera/engine/sample"
	"tessera/engine/tokens"
)

// Sampled is the progress preview of a sampling job: the grids so far and,
// now and then, the first one decoded.
type Sampled struct {
	Grids []tokens.Grid
	Image any // *image.NRGBA when a preview was decoded
}

// Sample draws new images on the worker, named by SampleName. The result
// is []pipeline.Result; a cancelled job keeps the partial results.
func (s *Session) Sample(req pipeline.SampleRequest) *jobs.Job {
	m, _ := s.Model()
	return s.SampleAs(SampleName(m, req), req)
}

// SampleAs is Sample under a name of the caller's ("Hi-Res 1024×512 (seed
// 5)").
func (s *Session) SampleAs(name string, req pipeline.SampleRequest) *jobs.Job {
	return s.Worker.Submit(name, func(ctx context.Context, report func(jobs.Progress)) (jobs.Result, error) {
		m, err := s.current()
		if err != nil {
			return nil, err
		}
		t := s.track(report, &req)
		return t.done(pipeline.Sample(ctx, m, req, t.progress))
	})
}

// Resample redraws the masked tokens of g on the worker.
func (s *Session) Resample(g tokens.Grid, mask tokens.Mask, req pipeline.SampleRequest) *jobs.Job {
	g = g.Clone()
	return s.Worker.Submit(RegionName(mask), func(ctx context.Context, report func(jobs.Progress)) (jobs.Result, error) {
		m, err := s.current()
		if err != nil {
			return nil, err
		}
		t := s.track(report, &req)
		return t.done(pipeline.Resample(ctx, m, g, mask, req, t.progress))
	})
}

// costs is what sampling with the model in use measured: every timed
// transformer call, and the last decode.
type costs struct {
	fit           sample.CostFit
	decodePerCell time.Duration
}

// Cost is the cost model measured with the model in use, and false before
// anything was sampled with it.
func (s *Session) Cost() (pipeline.Cost, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cost.fit.Fit()
	return pipeline.Cost{Sampling: c, DecodePerCell: s.cost.decodePerCell}, ok
}

// tracker follows one sampling job: it feeds the cost model with the job's
// calls and decode time, and reports its progress with the time left the
// model predicts for the rest of its schedule.
type tracker struct {
	s        *Session
	req      pipeline.SampleRequest
	report   func(jobs.Progress)
	decodeAt time.Time
}

// track makes the tracker of a job running req, timing req's calls.
func (s *Session) track(report func(jobs.Progress), req *pipeline.SampleRequest) *tracker {
	req.Options.Steps = func(st sample.Step) {
		s.mu.Lock()
		s.cost.fit.Add(st)
		s.mu.Unlock()
	}
	return &tracker{s: s, req: *req, report: report}
}

// progress forwards sampling progress to the job, copying the grids since
// the sampler reuses them.
func (t *tracker) progress(p pipeline.Progress) {
	jp := jobs.Progress{Done: p.Done, Total: p.Total, Message: p.Phase(), Phase: p.Stage}
	cost, ok := t.s.Cost()
	switch p.Stage {
	case "sampling":
		grids := make([]tokens.Grid, len(p.Grids))
		for i, g := range p.Grids {
			grids[i] = g.Clone()
		}
		prev := Sampled{Grids: grids}
		if p.Preview != nil {
			prev.Image = p.Preview
		}
		jp.Preview = prev
		if ok && len(grids) > 0 {
			jp.Left = cost.Estimate(t.req, p.Rest, grids[0].W, grids[0].H)
		}
	case "decoding":
		if t.decodeAt.IsZero() {
			t.decodeAt = time.Now()
		}
		if ok && p.Total > 0 {
			left := float64(p.Images*p.Cells) * float64(p.Total-p.Done) / float64(p.Total)
			jp.Left = time.Duration(left * float64(cost.DecodePerCell))
		}
	}
	t.report(jp)
}

// done records the decode time per latent cell of a run that decoded.
func (t *tracker) done(res []pipeline.Result, err error) ([]pipeline.Result, error) {
	cells := 0
	for _, r := range res {
		if r.Image != nil {
			cells += len(r.Grid.Codes)
		}
	}
	if cells > 0 && !t.decodeAt.IsZero() {
		t.s.mu.Lock()
		t.s.cost.decodePerCell = time.Since(t.decodeAt) / time.Duration(cells)
		t.s.mu.Unlock()
	}
	return res, err
}
