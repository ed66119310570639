package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/engine/internal/reftest"
)

// withBuiltin serves the given files as built-in models for a test.
func withBuiltin(t *testing.T, files map[string]string) {
	t.Helper()
	old := builtinBytes
	t.Cleanup(func() { builtinBytes = old })
	builtinBytes = func(name string) ([]byte, bool) {
		path, ok := files[name]
		if !ok {
			return nil, false
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data, true
	}
}

func TestBuiltinModels(t *testing.T) {
	conv := filepath.Join(t.TempDir(), "seg.safetensors")
	if _, err := Convert(reftest.Path("seg_transformer"), "", conv, true); err != nil {
		t.Fatal(err)
	}
	withBuiltin(t, map[string]string{"landscape": conv})
	if !HasBuiltin(DefaultModel) || HasBuiltin(DefaultScenes) || HasBuiltin("landscape") {
		t.Fatal("HasBuiltin does not follow the built-in files")
	}
	m, err := Open(DefaultModel, "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Transformer == nil || m.CondStage == nil || m.WeightsPath != DefaultModel {
		t.Fatalf("built-in model opened as %+v", m.Spec)
	}
	card, err := m.Card()
	if err != nil || len(card.SHA256) != 64 {
		t.Fatalf("card %+v (%v)", card, err)
	}
	ck, err := OpenCheckpoint(DefaultModel, "")
	if err != nil {
		t.Fatal(err)
	}
	ck.Close()
	if _, err := Open(DefaultScenes, ""); err == nil || !strings.Contains(err.Error(), "no built-in model") {
		t.Fatalf("a missing built-in model gave %v", err)
	}
}
