package session

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"tessera/engine/ckpt"
	"tessera/engine/classify"
	"tessera/engine/model"
	"tessera/engine/vqgan"
	"tessera/engine/weights"
)

// recording passes random weights through and keeps what was read.
type recording struct {
	weights.Source
	got map[string]*ckpt.Data
}

func (r *recording) Float32(key string, shape []int) ([]float32, error) {
	v, err := r.Source.Float32(key, shape)
	if err == nil {
		r.got[key] = &ckpt.Data{Shape: shape, F32: v}
	}
	return v, err
}

// writeClassifier saves a tiny pixel classifier with random weights as a
// Tessera file and returns its path.
func writeClassifier(t *testing.T) string {
	t.Helper()
	spec := &model.Spec{Kind: model.KindClassifier, LabelNames: []string{"sky", "water", "sand"}, FirstStage: vqgan.Config{DD: vqgan.DDConfig{
		Ch: 32, OutCh: 3, ChMult: []int{1, 2}, NumResBlocks: 1, InChannels: 3, Resolution: 16, ZChannels: 4,
	}}}
	rec := &recording{Source: weights.Random{Seed: 1}, got: map[string]*ckpt.Data{}}
	if _, err := classify.Load(rec, "", spec.FirstStage.DD, spec.LabelNames); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "labels.safetensors")
	if err := model.Save(path, spec, rec.got); err != nil {
		t.Fatal(err)
	}
	return path
}

// A pixel classifier has no codebook and cannot sample: the studio's
// session refuses it, says what it is for, and keeps the model in use.
func TestOpeningAClassifierIsRefused(t *testing.T) {
	path := writeClassifier(t)
	if m, err := model.Open(path, ""); err != nil || m.Classifier == nil {
		t.Fatalf("the fixture is no classifier: %v", err)
	}
	s := open(t, "vqgan")
	before, _ := s.Model()
	changed := false
	s.OnModelChange(func(*model.Model, *model.Card) { changed = true })
	j := s.OpenModel(path, "")
	<-j.Done()
	err := j.Err()
	if !errors.Is(err, ErrClassifier) {
		t.Fatalf("opening a classifier: %v", err)
	}
	for _, part := range []string{"session: ", path, "pixel classifier", "tessera landscape --classify"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("the error %q does not say %q", err, part)
		}
	}
	if m, _ := s.Model(); m != before || changed {
		t.Error("the refused classifier replaced the model in use")
	}
}
