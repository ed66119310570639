package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/engine/internal/reftest"
)

// copyFile copies src to dst, for a test that lays out a folder its own way.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenFolderWithACheckpointAndItsYAML(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, reftest.Path("vqgan", "checkpoints", "last.ckpt"), filepath.Join(dir, "epoch=10.ckpt"))
	copyFile(t, reftest.Path("vqgan", "configs", "model.yaml"), filepath.Join(dir, "vqgan.yaml"))
	m, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if m.WeightsPath != filepath.Join(dir, "epoch=10.ckpt") || len(m.ConfigPaths) != 1 || m.ConfigPaths[0] != filepath.Join(dir, "vqgan.yaml") {
		t.Errorf("weights %s, configs %v", m.WeightsPath, m.ConfigPaths)
	}
}

func TestOpenFolderWithoutAModelNamesTheFolder(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, reftest.Path("vqgan", "configs", "model.yaml"), filepath.Join(dir, "vqgan.yaml"))
	_, err := Open(dir, "")
	if err == nil {
		t.Fatal("opened a folder holding only a YAML")
	}
	for _, part := range []string{dir, "no model in this folder", "taming log directory"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not mention %q", err, part)
		}
	}
}
