package uitest

import (
	"path/filepath"
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

// Classifier writes a tiny pixel classifier (random weights, three labels)
// as a Tessera file in a temporary folder and returns its path: the kind of
// model the studio refuses to open.
func Classifier(t *testing.T) string {
	t.Helper()
	spec := &model.Spec{Kind: model.KindClassifier, LabelNames: []string{"sky", "water", "sand"}, FirstStage: vqgan.Config{DD: vqgan.DDConfig{
		Ch: 32, OutCh: 3, ChMult: []int{1, 2}, NumResBlocks: 1, InChannels: 3, Resolution: 16, ZChannels: 4,
	}}}
	rec := &recording{Source: weights.Random{Seed: 1}, got: map[string]*ckpt.Data{}}
	if _, err := classify.Load(rec, "", spec.FirstStage.DD, spec.LabelNames); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "landscape-classifier.safetensors")
	if err := model.Save(path, spec, rec.got); err != nil {
		t.Fatal(err)
	}
	return path
}
