// Package reftest reads the fixtures in testdata/taming-tiny for the
// engine's tests: the tiny models' folders and their expected vectors (from
// the published taming code; depth_transformer from its make.py, and
// vqgan_lpips/step1.safetensors, the VQGAN's second training step from a
// state both sides share, from vqgan_lpips/make_step1.py).
package reftest

import (
	"path/filepath"
	"testing"

	"tessera/engine/ckpt"
)

// Path joins parts onto testdata/taming-tiny as seen from a test running in
// a package directory two levels below the repository root (engine/<pkg>).
func Path(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata", "taming-tiny"}, parts...)...)
}

// Vectors opens a model's vectors.safetensors, closed when the test ends.
// Tensors are read on demand.
func Vectors(t testing.TB, model string) *ckpt.File {
	t.Helper()
	return Open(t, model, "vectors.safetensors")
}

// Open opens a fixture file under testdata/taming-tiny (a checkpoint or a
// safetensors file such as cin_transformer/train.safetensors), closed when
// the test ends.
func Open(t testing.TB, parts ...string) *ckpt.File {
	t.Helper()
	f, err := ckpt.Open(Path(parts...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func tensor(t testing.TB, f *ckpt.File, key string) *ckpt.Tensor {
	t.Helper()
	tn, ok := f.Tensors[key]
	if !ok {
		t.Fatalf("reference vector %s missing from %s", key, f.Path)
	}
	return tn
}

// Floats returns a reference vector's values as float32.
func Floats(t testing.TB, f *ckpt.File, key string) []float32 {
	t.Helper()
	v, err := tensor(t, f, key).Float32()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Shape returns a reference vector's shape.
func Shape(t testing.TB, f *ckpt.File, key string) []int {
	t.Helper()
	return tensor(t, f, key).Shape
}

// Ints returns an integer reference vector (tokens, indices) as ints.
func Ints(t testing.TB, f *ckpt.File, key string) []int {
	t.Helper()
	v, err := tensor(t, f, key).Int64()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}
