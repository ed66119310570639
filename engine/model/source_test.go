package model

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tessera/engine/ckpt"
	"tessera/engine/internal/reftest"
)

// readAll reads every tensor of a checkpoint into memory.
func readAll(t *testing.T, path string) map[string]*ckpt.Data {
	t.Helper()
	f, err := ckpt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]*ckpt.Data{}
	for k, tn := range f.Tensors {
		if out[k], err = tn.Data(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// writeTessera writes a Tessera file with extra metadata, as a trainer does.
func writeTessera(t *testing.T, path string, spec *Spec, tensors map[string]*ckpt.Data, meta map[string]string) {
	t.Helper()
	raw, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{metaFormat: formatV1, metaSpec: string(raw)}
	maps.Copy(all, meta)
	if err := ckpt.WriteSafetensors(path, tensors, all); err != nil {
		t.Fatal(err)
	}
}

// A training checkpoint's train.* tensors are not weights: the model opens
// as it would without them, even where they sit under no model prefix a
// builder checks.
func TestOpenIgnoresTrainingState(t *testing.T) {
	for _, name := range []string{"vqgan", "cin_transformer"} {
		orig := openFixture(t, name)
		tensors := readAll(t, orig.WeightsPath)
		tensors["train.opt.ae.m.encoder.conv_in.weight"] = &ckpt.Data{Shape: []int{1}, F32: []float32{1}}
		tensors["train.ema.transformer.head.weight"] = &ckpt.Data{Shape: []int{2, 2}, F32: make([]float32, 4)}
		tensors["train.data.cursor"] = &ckpt.Data{Shape: []int{}, I64: []int64{17}}
		path := filepath.Join(t.TempDir(), name+".safetensors")
		writeTessera(t, path, &orig.Spec, tensors, map[string]string{metaStep: "10"})
		m, err := Open(path, "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.Format != "safetensors" || m.Spec.Kind != orig.Spec.Kind {
			t.Fatalf("%s: opened as %s %s", name, m.Format, m.Spec.Kind)
		}
		src := newFileSource(mustOpen(t, path))
		if src.Has("train.data.cursor") || slices.ContainsFunc(src.Keys(), func(k string) bool { return strings.HasPrefix(k, "train.") }) {
			t.Errorf("%s: the weight source serves training state", name)
		}
		if _, err := src.Float32("train.ema.transformer.head.weight", []int{2, 2}); err == nil {
			t.Errorf("%s: training state read as a weight", name)
		}
	}
}

func mustOpen(t *testing.T, path string) *ckpt.File {
	t.Helper()
	f, err := ckpt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// fixtureCheckpoint is a fixture's Lightning checkpoint.
func fixtureCheckpoint(name string) string { return reftest.Path(name, "checkpoints", "last.ckpt") }
