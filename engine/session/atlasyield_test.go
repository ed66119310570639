package session

import (
	"context"
	"errors"
	"testing"

	"tessera/engine/jobs"
)

// holdWorker queues a job that keeps the worker busy until the returned
// function is called, so the jobs queued behind it start in a known order.
func holdWorker(s *Session) (release func()) {
	held := make(chan struct{})
	s.Worker.Submit("hold", func(context.Context, func(jobs.Progress)) (jobs.Result, error) {
		<-held
		return nil, nil
	})
	return func() { close(held) }
}

// A Sample pressed while the atlas of a just-opened model is decoding runs
// first; the atlas then finishes whole.
func TestTheAtlasGivesWayToTheArtistsJobs(t *testing.T) {
	s := open(t, "vqgan")
	release := holdWorker(s)
	atlas := s.Codebook()
	var atlasWhenSampling jobs.State
	sample := s.Worker.Submit("sample", func(context.Context, func(jobs.Progress)) (jobs.Result, error) {
		atlasWhenSampling = atlas.State()
		return nil, nil
	})
	release()
	cb := wait(t, atlas).(*Codebook)
	wait(t, sample)
	if atlasWhenSampling.Finished() {
		t.Errorf("the sample ran after the atlas (atlas %v)", atlasWhenSampling)
	}
	if len(cb.Patches) != 64 {
		t.Errorf("the resumed atlas has %d patches, want 64", len(cb.Patches))
	}
}

// An atlas that gave way to a job opening another model stops instead of
// finishing the old model's codebook.
func TestAnAtlasOfAModelNoLongerOpenStops(t *testing.T) {
	s := open(t, "vqgan")
	release := holdWorker(s)
	atlas := s.Codebook()
	reopen := s.OpenModel(tiny("cin_transformer"), "")
	release()
	wait(t, reopen)
	<-atlas.Done()
	if !errors.Is(atlas.Err(), ErrModelChanged) {
		t.Errorf("the old model's atlas ended with %v, want ErrModelChanged", atlas.Err())
	}
}
