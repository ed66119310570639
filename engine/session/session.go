// Package session is the engine as the studio uses it: the model in use, the
// background worker every long operation runs on (and one for training),
// and the operations themselves as jobs. It has no GUI code, so the
// studio's views can be tested against a real session and a real (tiny)
// model.
package session

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"

	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/pipeline"
	"tessera/engine/tokens"
)

// Session holds the model in use and runs operations on one worker; a
// second one runs training, which takes hours and must not hold up the
// rest.
type Session struct {
	Worker   *jobs.Worker
	Training *jobs.Worker

	mu        sync.Mutex
	model     *model.Model
	card      *model.Card
	listeners []func(*model.Model, *model.Card)
	cost      costs
	runs      []*Run // training runs, oldest first
}

// New starts a session with no model and its workers.
func New() *Session { return &Session{Worker: jobs.NewWorker(), Training: jobs.NewWorker()} }

// Close cancels what is running and stops the workers; a training run
// saves its checkpoint before Close returns.
func (s *Session) Close() {
	s.Training.Close()
	s.Worker.Close()
}

// Model returns the model in use and its card, or nils.
func (s *Session) Model() (*model.Model, *model.Card) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.model, s.card
}

// OnModelChange registers f to be called (from the worker goroutine) after a
// model is opened.
func (s *Session) OnModelChange(f func(*model.Model, *model.Card)) {
	s.mu.Lock()
	s.listeners = append(s.listeners, f)
	s.mu.Unlock()
}

// ErrNoModel is the error of an operation submitted before a model is open.
var ErrNoModel = fmt.Errorf("session: no model is open: open one first (File > Open Model)")

// current returns the model for a job, failing clearly without one.
func (s *Session) current() (*model.Model, error) {
	m, _ := s.Model()
	if m == nil {
		return nil, ErrNoModel
	}
	return m, nil
}

// ErrClassifier is the error of opening a pixel classifier: it labels images
// (tessera landscape --classify) and has no codebook to sample with.
var ErrClassifier = errors.New("it has no codebook or transformer for the studio to use; open a VQGAN or a transformer model")

// OpenModel loads a model on the worker; on success it becomes the model in
// use. The job's result is the model's *model.Card. A pixel classifier is
// refused with ErrClassifier, keeping the model in use.
func (s *Session) OpenModel(path, config string) *jobs.Job {
	return s.Worker.Submit("open "+path, func(ctx context.Context, report func(jobs.Progress)) (jobs.Result, error) {
		report(jobs.Progress{Done: 0, Total: 2, Message: "reading weights"})
		m, err := model.Open(path, config)
		if err != nil {
			return nil, err
		}
		if m.Spec.Kind == model.KindClassifier {
			return nil, fmt.Errorf("session: %s is a pixel classifier, used by `tessera landscape --classify`: %w", path, ErrClassifier)
		}
		report(jobs.Progress{Done: 1, Total: 2, Message: "hashing the file"})
		card, err := m.CardCached(model.DefaultHashCache())
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.model, s.card = m, card
		s.cost = costs{}
		listeners := append([]func(*model.Model, *model.Card){}, s.listeners...)
		s.mu.Unlock()
		for _, f := range listeners {
			f(m, card)
		}
		report(jobs.Progress{Done: 2, Total: 2})
		return card, nil
	})
}

// Encoded is the result of an Encode job.
type Encoded struct {
	Grid  tokens.Grid
	Image *image.NRGBA // the decoded grid: what the model makes of the input
	Notes []string     // what was done to the input (alpha dropped, cropped)
}

// Encode tokenises an image and decodes the tokens back, on the worker.
func (s *Session) Encode(img image.Image) *jobs.Job {
	return s.Worker.Submit("encode", func(ctx context.Context, report func(jobs.Progress)) (jobs.Result, error) {
		m, err := s.current()
		if err != nil {
			return nil, err
		}
		report(jobs.Progress{Done: 0, Total: 2, Message: "encoding"})
		g, notes, err := pipeline.Encode(m, img)
		if err != nil {
			return nil, err
		}
		report(jobs.Progress{Done: 1, Total: 2, Message: "decoding"})
		out, err := pipeline.Decode(ctx, m, g, pipeline.DecodeOptions{}, nil)
		if err != nil {
			return nil, err
		}
		return &Encoded{Grid: g, Image: out, Notes: notes}, nil
	})
}

func encodeGrid(m *model.Model, img image.Image) (tokens.Grid, error) {
	g, _, err := pipeline.Encode(m, img)
	return g, err
}

// Decode turns a grid into an image on the worker; the result is an *image.NRGBA.
func (s *Session) Decode(g tokens.Grid, opt pipeline.DecodeOptions) *jobs.Job {
	g = g.Clone()
	return s.Worker.Submit("decode", func(ctx context.Context, report func(jobs.Progress)) (jobs.Result, error) {
		m, err := s.current()
		if err != nil {
			return nil, err
		}
		return pipeline.Decode(ctx, m, g, opt, func(done, total int) {
			report(jobs.Progress{Done: done, Total: total, Message: "decoding"})
		})
	})
}
