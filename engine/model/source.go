package model

import (
	"fmt"
	"slices"

	"tessera/engine/ckpt"
	"tessera/engine/weights"
)

// fileSource serves the tensors of an opened checkpoint to the builders.
type fileSource struct {
	f    *ckpt.File
	keys []string
}

func newFileSource(f *ckpt.File) *fileSource { return &fileSource{f: f, keys: f.Keys()} }

func (s *fileSource) Name() string { return s.f.Path }

func (s *fileSource) Has(key string) bool { _, ok := s.f.Tensors[key]; return ok }

func (s *fileSource) Keys() []string { return s.keys }

func (s *fileSource) Float32(key string, shape []int) ([]float32, error) {
	t, ok := s.f.Tensors[key]
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
	return v, nil
}

func (s *fileSource) Int64(key string) ([]int64, []int, error) {
	t, ok := s.f.Tensors[key]
	if !ok {
		return nil, nil, fmt.Errorf("%s: missing buffer %s", s.Name(), key)
	}
	v, err := t.Int64()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", s.Name(), err)
	}
	return v, t.Shape, nil
}
