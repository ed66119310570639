package model

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"tessera/engine/ckpt"
	"tessera/engine/nn"
	"tessera/engine/weights"
)

// trainPrefix is the reserved prefix of a Tessera training checkpoint's
// training state (optimizer moments, EMA weights, ...), which is not part of
// the model.
const trainPrefix = "train."

func isTrainingState(key string) bool { return strings.HasPrefix(key, trainPrefix) }

// fileSource serves the tensors of an opened checkpoint to the builders;
// training state is invisible to them.
type fileSource struct {
	f    *ckpt.File
	keys []string
}

func newFileSource(f *ckpt.File) *fileSource {
	return &fileSource{f: f, keys: slices.DeleteFunc(f.Keys(), isTrainingState)}
}

func (s *fileSource) Name() string { return s.f.Path }

func (s *fileSource) tensor(key string) (*ckpt.Tensor, bool) {
	if isTrainingState(key) {
		return nil, false
	}
	t, ok := s.f.Tensors[key]
	return t, ok
}

func (s *fileSource) Has(key string) bool { _, ok := s.tensor(key); return ok }

func (s *fileSource) Keys() []string { return s.keys }

func (s *fileSource) Float32(key string, shape []int) ([]float32, error) {
	t, ok := s.tensor(key)
	if !ok {
		return nil, fmt.Errorf("%s: missing weight %s", s.Name(), key)
	}
	if !slices.Equal(t.Shape, shape) {
		return nil, weights.ShapeError(s.Name(), key, shape, t.Shape)
	}
	v, err := t.Float32()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Name(), err)
	}
	if err := checkFinite(s.Name(), key, v); err != nil {
		return nil, err
	}
	return v, nil
}

// checkFinite refuses a weight holding NaN or infinite values: a network
// built from it computes NaN everywhere, which the quantiser turns into
// code 0 and the decoder into a black image, with no other sign.
func checkFinite(file, key string, v []float32) error {
	if allFinite(v) {
		return nil
	}
	bad, first := 0, -1
	for i, x := range v {
		if x-x != 0 { // NaN or ±Inf
			if bad == 0 {
				first = i
			}
			bad++
		}
	}
	return fmt.Errorf("%s: weight %s holds %d NaN or infinite values of %d (the first at index %d): the checkpoint is damaged, or its training diverged",
		file, key, bad, len(v), first)
}

func (s *fileSource) Int64(key string) ([]int64, []int, error) {
	t, ok := s.tensor(key)
	if !ok {
		return nil, nil, fmt.Errorf("%s: missing buffer %s", s.Name(), key)
	}
	v, err := t.Int64()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", s.Name(), err)
	}
	return v, t.Shape, nil
}

// allFinite scans v on all cores: every weight of a model passes through
// here, so the common case must cost no more than a read of memory.
func allFinite(v []float32) bool {
	var bad atomic.Bool
	nn.For(len(v), 1<<16, func(lo, hi int) {
		for _, x := range v[lo:hi] {
			if x-x != 0 {
				bad.Store(true)
				return
			}
		}
	})
	return !bad.Load()
}
