package main

import (
	"os"
	"path/filepath"
	"testing"

	"tessera/engine/tokens"
)

// --half stores float16 weights: about half the file, and a model that
// still encodes the fixture's image the same way for most tokens.
func TestConvertHalf(t *testing.T) {
	dir := t.TempDir()
	full, half := filepath.Join(dir, "full.safetensors"), filepath.Join(dir, "half.safetensors")
	mustRun(t, "convert", "--model", tiny("vqgan"), "--out", full)
	mustRun(t, "convert", "--half", "--model", tiny("vqgan"), "--out", half)
	a, _ := os.Stat(full)
	b, _ := os.Stat(half)
	if r := float64(b.Size()) / float64(a.Size()); r < 0.45 || r > 0.55 {
		t.Fatalf("half file is %.2f of the full one", r)
	}
	mustRun(t, "inspect", "--model", half)
	ga, gb := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	mustRun(t, "encode", "--model", full, "--out", ga, tiny("vqgan", "input0.png"))
	mustRun(t, "encode", "--model", half, "--out", gb, tiny("vqgan", "input0.png"))
	x, _, err := tokens.Read(ga)
	if err != nil {
		t.Fatal(err)
	}
	y, _, err := tokens.Read(gb)
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for i := range x.Codes {
		if x.Codes[i] == y.Codes[i] {
			same++
		}
	}
	if same < len(x.Codes)*9/10 {
		t.Fatalf("float16 weights changed %d of %d tokens", len(x.Codes)-same, len(x.Codes))
	}
}
