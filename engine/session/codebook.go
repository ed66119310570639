package session

import (
	"context"
	"errors"
	"image"

	"tessera/engine/codebook"
	"tessera/engine/imgio"
	"tessera/engine/jobs"
	"tessera/engine/model"
)

// Codebook is everything the codebook explorer shows about a model.
type Codebook struct {
	Patches []*image.NRGBA // each entry decoded on its own, in token order
	Vectors []float32      // [len(Patches), Dim]
	Dim     int
	Map     [][2]float64 // the vectors projected on their first two principal components
}

// Neighbors returns the k entries nearest to entry i.
func (c *Codebook) Neighbors(i, k int) []int { return codebook.Neighbors(c.Vectors, c.Dim, i, k) }

// Codebook decodes every entry and maps the code vectors, on the worker.
// The result is a *Codebook. It is not the artist's own request but what
// opening a model starts, so it steps aside between batches for any job
// submitted meanwhile (jobs.ErrYield) and then carries on; if another model
// was opened by then it stops with ErrModelChanged.
func (s *Session) Codebook() *jobs.Job {
	var (
		m   *model.Model
		dec *codebook.PatchDecoder
	)
	return s.Worker.Submit("Codebook atlas", func(ctx context.Context, report func(jobs.Progress)) (jobs.Result, error) {
		cur, err := s.current()
		switch {
		case err != nil:
			return nil, err
		case m == nil:
			m, dec = cur, codebook.NewPatchDecoder(cur.FirstStage)
		case cur != m:
			return nil, ErrModelChanged
		}
		for !dec.Done() {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if jobs.ShouldYield(ctx) {
				return nil, jobs.ErrYield
			}
			if err := dec.Step(); err != nil {
				return nil, err
			}
			done, total := dec.Progress()
			report(jobs.Progress{Done: done, Total: total, Message: "decoding entries"})
		}
		patches, err := imgio.FromTensor(dec.Patches())
		if err != nil {
			return nil, err
		}
		vecs, dim := m.FirstStage.Quantizer.Codebook()
		return &Codebook{Patches: patches, Vectors: vecs, Dim: dim, Map: codebook.PCA2(vecs, dim)}, nil
	})
}

// ErrModelChanged is the error of a codebook atlas that gave way to other
// jobs, one of which opened another model.
var ErrModelChanged = errors.New("another model was opened before the codebook atlas was done")

// Usage counts token use over images (encoding each) on the worker; the
// result is a codebook.Usage.
func (s *Session) Usage(paths []string) *jobs.Job {
	return s.Worker.Submit("codebook usage", func(ctx context.Context, report func(jobs.Progress)) (jobs.Result, error) {
		m, err := s.current()
		if err != nil {
			return nil, err
		}
		var grids [][]int
		for i, p := range paths {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			report(jobs.Progress{Done: i, Total: len(paths), Message: p})
			img, _, err := imgio.Load(p, m.FirstStage.Config.Factor())
			if err != nil {
				return nil, err
			}
			g, err := encodeGrid(m, img)
			if err != nil {
				return nil, err
			}
			grids = append(grids, g.Codes)
		}
		return codebook.CountUsage(m.FirstStage.Quantizer.Vocab(), grids...)
	})
}
