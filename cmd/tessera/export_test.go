package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cin")
	out := mustRun(t, "export", "--model", tiny("cin_transformer"), "--out", dir)
	if !strings.Contains(out, "written") || !strings.Contains(out, "--resume") {
		t.Errorf("output %q", out)
	}
	for _, p := range []string{filepath.Join(dir, "configs", "model.yaml"), filepath.Join(dir, "checkpoints", "last.ckpt")} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	if card := mustRun(t, "inspect", "--model", dir); !strings.Contains(card, "net2net") {
		t.Errorf("the export does not open as the model:\n%s", card)
	}
	vq := filepath.Join(t.TempDir(), "vq")
	mustRun(t, "export", "--model", tiny("vqgan"), "--lpips", tiny("vqgan_lpips", "checkpoints", "last.ckpt"), "--out", vq)

	cases := []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"export", "--model", tiny("cin_transformer")}, 2, "--out DIR"},
		{[]string{"export", "--model", tiny("cin_transformer"), "--out", tiny("cin_transformer")}, 1, "not empty"},
		{[]string{"export", "--model", tiny("vqgan"), "--out", filepath.Join(t.TempDir(), "x")}, 1, "pass --lpips CKPT"},
	}
	for _, tc := range cases {
		status, _, errOut := runArgs(tc.args...)
		if status != tc.status || !strings.Contains(errOut, tc.want) {
			t.Errorf("tessera %s: status %d, stderr %q (want %d and %q)", strings.Join(tc.args, " "), status, errOut, tc.status, tc.want)
		}
	}
	if _, list, _ := runArgs("help"); !strings.Contains(list, "  export ") {
		t.Errorf("help does not list export:\n%s", list)
	}
}
