package model

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"tessera/engine/ckpt"
	"tessera/engine/internal/reftest"
)

// openFailsAtOnce opens a model that must fail quickly, with little
// memory, with an error holding every fragment.
func openFailsAtOnce(t *testing.T, path, config string, fragments ...string) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := Open(path, config)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("opened a model whose config does not fit its weights")
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q lacks %q", err, f)
		}
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; took > 5*time.Second || alloc > 256<<20 {
		t.Errorf("failing took %v and %d MiB", took, alloc>>20)
	}
}

// Config counts that the builders loop over are checked against the
// weights before anything is built: the error is the first missing
// weight, at once.
func TestHugeConfigCountsFailOnTheMissingWeight(t *testing.T) {
	t.Run("num_res_blocks", func(t *testing.T) {
		dir := copyTree(t, "vqgan")
		editConfig(t, dir, "num_res_blocks: 1", "num_res_blocks: 1000000000")
		openFailsAtOnce(t, dir, "", "missing weight encoder.down.0.block.999999999.conv1.weight", "num_res_blocks 1000000000")
	})
	t.Run("ch_mult", func(t *testing.T) {
		dir := copyTree(t, "vqgan")
		editConfig(t, dir, "ch_mult: [1, 1, 2]", "ch_mult: [1, 1, 2"+strings.Repeat(", 2", 100000)+"]")
		openFailsAtOnce(t, dir, "", "missing weight encoder.down.3.block.0.conv1.weight", "100003 levels")
	})
	t.Run("n_layer", func(t *testing.T) {
		dir := copyTree(t, "cin_transformer")
		editConfig(t, dir, "n_layer: 2", "n_layer: 1e9")
		openFailsAtOnce(t, dir, "", "transformer: ", "missing weight transformer.blocks.999999999.ln1.weight", "n_layer is 1000000000")
	})
	t.Run("a second config merged over the first", func(t *testing.T) {
		dir := copyTree(t, "cin_transformer")
		over := "model:\n  params:\n    first_stage_config:\n      params:\n        ddconfig:\n          num_res_blocks: 1000000000\n"
		if err := os.WriteFile(filepath.Join(dir, "configs", "zz-override.yaml"), []byte(over), 0o644); err != nil {
			t.Fatal(err)
		}
		openFailsAtOnce(t, dir, "", "first stage: ", "missing weight first_stage_model.encoder.down.0.block.999999999.conv1.weight")
	})
	t.Run("Tessera metadata", func(t *testing.T) {
		path := rewriteTessera(t, "cin_transformer", func(s *Spec) { s.Transformer.NLayer = 1 << 40 }, nil)
		openFailsAtOnce(t, path, "", path, "missing weight transformer.blocks.1099511627775.ln1.weight")
		path = rewriteTessera(t, "vqgan", func(s *Spec) { s.FirstStage.DD.NumResBlocks = 1 << 40 }, nil)
		openFailsAtOnce(t, path, "", path, "missing weight encoder.down.0.block.1099511627775.conv1.weight")
	})
}

// rewriteTessera converts a fixture to a Tessera file, changes its
// description and weights, and writes it again.
func rewriteTessera(t *testing.T, fixture string, spec func(*Spec), weight func(key string, v []float32)) string {
	t.Helper()
	dir := t.TempDir()
	conv := filepath.Join(dir, "converted.safetensors")
	m, err := Convert(reftest.Path(fixture), "", conv, false)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ckpt.Open(conv)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tensors := map[string]*ckpt.Data{}
	for _, k := range f.Keys() {
		x := f.Tensors[k]
		if !x.DType.IsFloat() {
			v, err := x.Int64()
			if err != nil {
				t.Fatal(err)
			}
			tensors[k] = &ckpt.Data{Shape: x.Shape, I64: v}
			continue
		}
		v, err := x.Float32()
		if err != nil {
			t.Fatal(err)
		}
		if weight != nil {
			weight(k, v)
		}
		tensors[k] = &ckpt.Data{Shape: x.Shape, F32: v}
	}
	s := m.Spec
	if spec != nil {
		raw, _ := json.Marshal(s) // a deep copy to edit
		s = Spec{}
		json.Unmarshal(raw, &s)
		spec(&s)
	}
	out := filepath.Join(dir, "edited.safetensors")
	if err := Save(out, &s, tensors); err != nil {
		t.Fatal(err)
	}
	return out
}

// A weight holding NaN or Inf is refused by name: the codebook, a layer
// of the encoder and the transformer alike.
func TestNonFiniteWeightsAreNamed(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, c := range []struct {
		fixture, key string
		value        float32
	}{
		{"vqgan", "quantize.embedding.weight", nan},
		{"vqgan", "encoder.conv_in.weight", inf},
		{"cin_transformer", "transformer.blocks.1.attn.query.weight", float32(math.Inf(-1))},
	} {
		path := rewriteTessera(t, c.fixture, nil, func(key string, v []float32) {
			if key == c.key {
				v[3], v[len(v)-1] = c.value, c.value
			}
		})
		_, err := Open(path, "")
		if err == nil || !strings.Contains(err.Error(), path+": weight "+c.key+" holds 2 NaN or infinite values") ||
			!strings.Contains(err.Error(), "the first at index 3") {
			t.Errorf("%s with %v in %s: err = %v", c.fixture, c.value, c.key, err)
		}
	}
}

// Convert never writes over the checkpoint or the config it reads, named
// directly, through a log directory or through another path.
func TestConvertRefusesToOverwriteItsInput(t *testing.T) {
	dir := copyTree(t, "vqgan")
	ckptPath := filepath.Join(dir, "checkpoints", "last.ckpt")
	before, _ := os.ReadFile(ckptPath)
	for _, c := range []struct{ model, config, out string }{
		{dir, "", ckptPath},
		{ckptPath, "", filepath.Join(dir, "checkpoints", "..", "checkpoints", "last.ckpt")},
		{dir, "", filepath.Join(dir, "configs", "model.yaml")},
		{ckptPath, filepath.Join(dir, "configs", "model.yaml"), filepath.Join(dir, "configs", "model.yaml")},
	} {
		_, err := Convert(c.model, c.config, c.out, false)
		if err == nil || !strings.Contains(err.Error(), "is one of the model's own files") {
			t.Errorf("convert %s to %s: err = %v", c.model, c.out, err)
		}
	}
	if after, _ := os.ReadFile(ckptPath); string(after) != string(before) {
		t.Fatal("the checkpoint was changed")
	}
}
