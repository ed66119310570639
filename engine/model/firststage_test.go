package model

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"tessera/engine/internal/reftest"
	"tessera/engine/nn"
	"tessera/engine/weights"
)

// readLog records the keys a model's builders read from its weights.
type readLog struct {
	weights.Source
	mu   sync.Mutex
	keys []string
}

func (r *readLog) Float32(key string, shape []int) ([]float32, error) {
	r.mu.Lock()
	r.keys = append(r.keys, key)
	r.mu.Unlock()
	return r.Source.Float32(key, shape)
}

func (r *readLog) Int64(key string) ([]int64, []int, error) {
	r.mu.Lock()
	r.keys = append(r.keys, key)
	r.mu.Unlock()
	return r.Source.Int64(key)
}

// openLogged opens path in scope sc and returns the model and the keys read.
func openLogged(t *testing.T, path string, sc scope) (*Model, []string) {
	t.Helper()
	log := &readLog{}
	m, err := open(path, "", sc, func(s weights.Source) weights.Source { log.Source = s; return log })
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(log.keys)
	return m, log.keys
}

// Opening a Net2Net model for encoding and decoding reads the first
// stage's weights, all of them and nothing else, and decodes exactly as
// the whole model does.
func TestOpenFirstStageReadsOnlyTheFirstStage(t *testing.T) {
	converted := filepath.Join(t.TempDir(), "seg.safetensors")
	if _, err := Convert(reftest.Path("seg_transformer"), "", converted, false); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{reftest.Path("cin_transformer"), reftest.Path("seg_transformer"), converted} {
		whole, all := openLogged(t, path, wholeModel)
		first, read := openLogged(t, path, firstStageOnly)
		var want []string
		for _, k := range all {
			if strings.HasPrefix(k, "first_stage_model.") {
				want = append(want, k)
			}
		}
		if len(want) == len(all) {
			t.Fatalf("%s: the whole model reads only first-stage weights; the test needs a transformer", path)
		}
		if !slices.Equal(read, want) {
			t.Errorf("%s: read %d weights, want the first stage's %d: %v", path, len(read), len(want), read)
		}
		if first.Transformer != nil || first.CondStage != nil || first.FirstStage == nil {
			t.Errorf("%s: built transformer %v, cond stage %v", path, first.Transformer != nil, first.CondStage != nil)
		}
		codes := []int{0, 1, 2, 3, 4, 5, 6, 7, 8}
		a, err := whole.FirstStage.DecodeTokens(codes, 1, 3, 3)
		if err != nil {
			t.Fatal(err)
		}
		b, err := first.FirstStage.DecodeTokens(codes, 1, 3, 3)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(nn.Data(a), nn.Data(b)) {
			t.Errorf("%s: the first stage alone decodes differently", path)
		}
	}
}

// A first stage alone is opened whole: it is all encoding needs.
func TestOpenFirstStageOfAVQGAN(t *testing.T) {
	_, all := openLogged(t, reftest.Path("vqgan"), wholeModel)
	m, read := openLogged(t, reftest.Path("vqgan"), firstStageOnly)
	if !slices.Equal(read, all) || m.Spec.Kind != KindVQGAN {
		t.Fatalf("read %d of %d weights, kind %s", len(read), len(all), m.Spec.Kind)
	}
}
