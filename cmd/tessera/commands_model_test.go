package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tessera/engine/imgio"
	"tessera/engine/tokens"
)

func tiny(name string, parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata", "taming-tiny", name}, parts...)...)
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	status, out, errOut := runArgs(args...)
	if status != 0 {
		t.Fatalf("tessera %s: status %d\n%s", strings.Join(args, " "), status, errOut)
	}
	return out
}

func TestInspect(t *testing.T) {
	out := mustRun(t, "inspect", "--model", tiny("seg_transformer"))
	for _, want := range []string{"net2net", "spatial (segmentation, 5 labels)", "64 entries of dimension 16", "4x4 tokens", "sha256"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
	var card map[string]any
	if err := json.Unmarshal([]byte(mustRun(t, "inspect", "--json", "--model", tiny("vqgan"))), &card); err != nil {
		t.Fatal(err)
	}
	if card["kind"] != "vqgan" || card["downsampling_factor"] != 4.0 || len(card["sha256"].(string)) != 64 {
		t.Fatalf("card %v", card)
	}
}

// With no --model, inspect describes the built-in landscape model, and the
// built-in models' cards name their labels and scenes by id.
func TestInspectNamesTheBuiltInLabelsAndScenes(t *testing.T) {
	for args, want := range map[string]string{
		"":                         "labels        0 sky, 1 cloud, 2 mountain, 3 snow, 4 rock, 5 water, 6 sand, 7 grass, 8 tree, 9 flowers",
		"builtin:landscape-scenes": "classes       0 alpine, 1 coast, 2 desert, 3 dusk, 4 forest, 5 lake, 6 meadow",
	} {
		cmd := []string{"inspect"}
		if args != "" {
			cmd = append(cmd, "--model", args)
		}
		if out := mustRun(t, cmd...); !strings.Contains(out, want) {
			t.Errorf("tessera %v lacks %q:\n%s", cmd, want, out)
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	dir := t.TempDir()
	grid, img, again := filepath.Join(dir, "g.json"), filepath.Join(dir, "g.png"), filepath.Join(dir, "again.png")
	mustRun(t, "encode", "--model", tiny("vqgan"), "--out", grid, tiny("vqgan", "input0.png"))
	mustRun(t, "decode", "--model", tiny("vqgan"), "--out", img, grid)
	// A PNG written by Tessera decodes like its grid.
	mustRun(t, "decode", "--model", tiny("vqgan"), "--out", again, img)
	g, _, err := tokens.Read(grid)
	if err != nil {
		t.Fatal(err)
	}
	fromPNG, _, err := imgio.GridFromPNG(again)
	if err != nil || !g.Equal(fromPNG) {
		t.Fatalf("grid in the PNG differs from the JSON (%v)", err)
	}
	a, _ := os.ReadFile(img)
	b, _ := os.ReadFile(again)
	if !slices.Equal(a, b) {
		t.Fatal("decoding the PNG's grid gave another image")
	}
}

func TestSampleAndResample(t *testing.T) {
	dir := t.TempDir()
	out, js := filepath.Join(dir, "s.png"), filepath.Join(dir, "s.json")
	mustRun(t, "sample", "--model", tiny("cin_transformer"), "--class", "4", "--seed", "11", "--count", "2", "--out", out, "--tokens", js)
	first, params, err := tokens.Read(filepath.Join(dir, "s-1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if params["class"].(json.Number).String() != "4" || params["seed"].(json.Number).String() != "11" {
		t.Fatalf("params %v", params)
	}
	second, _, _ := imgio.GridFromPNG(filepath.Join(dir, "s-2.png"))
	if first.Equal(second) {
		t.Fatal("the two samples are the same")
	}
	res, resJS := filepath.Join(dir, "r.png"), filepath.Join(dir, "r.json")
	mustRun(t, "resample", "--model", tiny("cin_transformer"), "--tokens", filepath.Join(dir, "s-1.png"), "--rect", "1,1,3,2",
		"--seed", "12", "--out", res, "--tokens", resJS)
	edited, params, err := tokens.Read(resJS)
	if err != nil {
		t.Fatal(err)
	}
	if params["class"].(json.Number).String() != "4" {
		t.Fatalf("resampling did not keep the grid's class: %v", params)
	}
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			inside := x >= 1 && x < 4 && y >= 1 && y < 3
			if !inside && edited.At(x, y) != first.At(x, y) {
				t.Fatalf("token (%d,%d) outside the rectangle changed", x, y)
			}
		}
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"encode", "--model", tiny("vqgan"), "--out", filepath.Join(dir, "x.json"), "missing.png"}, "missing.png"},
		{[]string{"sample", "--model", tiny("cin_transformer"), "--out", filepath.Join(dir, "x.png")}, "class-conditional"},
		{[]string{"sample", "--model", tiny("cin_transformer"), "--class", "1", "--seg", "a.png", "--out", "x.png"}, "a.png"},
		{[]string{"inspect", "--model", filepath.Join(dir, "nothing")}, "nothing"},
		{[]string{"resample", "--model", tiny("cin_transformer"), "--out", "x.png"}, "--tokens"},
	}
	for _, tc := range cases {
		status, _, errOut := runArgs(tc.args...)
		if status == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("tessera %s: status %d, stderr %q (want it to mention %q)", strings.Join(tc.args, " "), status, errOut, tc.want)
		}
	}
}

func TestSampleWithADepthMap(t *testing.T) {
	dir := t.TempDir()
	out, js := filepath.Join(dir, "d.png"), filepath.Join(dir, "d.json")
	status, _, errOut := runArgs("sample", "--model", tiny("depth_transformer"), "--cond", tiny("depth_transformer", "depth.png"),
		"--top-k", "1", "--out", out, "--tokens", js)
	if status != 0 {
		t.Fatalf("status %d\n%s", status, errOut)
	}
	if !strings.Contains(errOut, "note: RGBA pixels read as float32 depth") {
		t.Errorf("stderr does not say how the depth map was read:\n%s", errOut)
	}
	g, params, err := tokens.Read(js)
	if err != nil {
		t.Fatal(err)
	}
	// The grid is the depth map's size (56x40 pixels, factor 4); greedy
	// sampling equals the engine's, checked against PyTorch in pipeline.
	if g.W != 14 || g.H != 10 || params["condition"] != tiny("depth_transformer", "depth.png") {
		t.Errorf("grid %dx%d, condition %v", g.W, g.H, params["condition"])
	}
}
