package model

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"tessera/engine/internal/reftest"
	"tessera/engine/nn"
	"tessera/engine/vqgan"
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

// firstStageKeys are the keys of parts of a Net2Net model's first stage.
func firstStageKeys(all []string, parts vqgan.Parts) []string {
	var subs = []string{"quantize."}
	if parts&vqgan.EncoderPart != 0 {
		subs = append(subs, "encoder.", "quant_conv.")
	}
	if parts&vqgan.DecoderPart != 0 {
		subs = append(subs, "decoder.", "post_quant_conv.")
	}
	var out []string
	for _, k := range all {
		if slices.ContainsFunc(subs, func(s string) bool { return strings.HasPrefix(k, "first_stage_model."+s) }) {
			out = append(out, k)
		}
	}
	return out
}

// Opening a Net2Net model to decode reads the weights of the first stage's
// decoder and quantizer, all of them and nothing else, and decodes exactly
// as the whole model does; to encode, those of its encoder and quantizer,
// and encodes exactly as the whole model does.
func TestOpenFirstStageReadsOnlyWhatItBuilds(t *testing.T) {
	converted := filepath.Join(t.TempDir(), "seg.safetensors")
	if _, err := Convert(reftest.Path("seg_transformer"), "", converted, false); err != nil {
		t.Fatal(err)
	}
	img := nn.FromSlice(make([]float32, 3*16*16), 1, 3, 16, 16)
	codes := []int{0, 1, 2, 3, 4, 5, 6, 7, 8}
	for _, path := range []string{reftest.Path("cin_transformer"), reftest.Path("seg_transformer"), converted} {
		whole, all := openLogged(t, path, wholeModel)
		wantImage, err := whole.FirstStage.DecodeTokens(codes, 1, 3, 3)
		if err != nil {
			t.Fatal(err)
		}
		wantCodes, err := whole.FirstStage.Encode(img, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, parts := range []vqgan.Parts{vqgan.DecoderPart, vqgan.EncoderPart, vqgan.AllParts} {
			m, read := openLogged(t, path, scope{firstStageOnly: true, parts: parts})
			want := firstStageKeys(all, parts)
			if len(want) == len(all) {
				t.Fatalf("%s: the whole model reads only first-stage weights; the test needs a transformer", path)
			}
			if !slices.Equal(read, want) {
				t.Errorf("%s, parts %d: read %d weights, want %d: %v", path, parts, len(read), len(want), read)
			}
			if m.Transformer != nil || m.CondStage != nil {
				t.Errorf("%s: built transformer %v, cond stage %v", path, m.Transformer != nil, m.CondStage != nil)
			}
			image, err := m.FirstStage.DecodeTokens(codes, 1, 3, 3)
			if parts&vqgan.DecoderPart == 0 {
				if err == nil || !strings.Contains(err.Error(), "without its decoder") {
					t.Errorf("%s: decoding without a decoder: %v", path, err)
				}
			} else if err != nil || !slices.Equal(nn.Data(image), nn.Data(wantImage)) {
				t.Errorf("%s: the first stage alone decodes differently (%v)", path, err)
			}
			enc, err := m.FirstStage.Encode(img, nil)
			if parts&vqgan.EncoderPart == 0 {
				if err == nil || !strings.Contains(err.Error(), "without its encoder") {
					t.Errorf("%s: encoding without an encoder: %v", path, err)
				}
			} else if err != nil || !slices.Equal(enc.Tokens, wantCodes.Tokens) || !slices.Equal(nn.Data(enc.Z), nn.Data(wantCodes.Z)) {
				t.Errorf("%s: the first stage alone encodes differently (%v)", path, err)
			}
		}
	}
}

// A first stage alone is opened in part too.
func TestOpenFirstStageOfAVQGAN(t *testing.T) {
	_, all := openLogged(t, reftest.Path("vqgan"), wholeModel)
	m, read := openLogged(t, reftest.Path("vqgan"), scope{firstStageOnly: true, parts: vqgan.DecoderPart})
	if m.Spec.Kind != KindVQGAN || m.FirstStage.Encoder != nil || len(read) == 0 || len(read) >= len(all) {
		t.Fatalf("read %d of %d weights, kind %s, encoder %v", len(read), len(all), m.Spec.Kind, m.FirstStage.Encoder != nil)
	}
	for _, k := range read {
		if strings.HasPrefix(k, "encoder.") || strings.HasPrefix(k, "quant_conv.") {
			t.Errorf("read %s to decode", k)
		}
	}
}
