package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Careless and hostile command lines, built here: each must end with the
// right exit status and a message naming the flag or value, before any
// work, and leave the user's files as they were.

// wantRun runs a command and checks its status and that stderr holds
// every fragment.
func wantRun(t *testing.T, status int, fragments []string, args ...string) {
	t.Helper()
	got, _, errOut := runArgs(args...)
	if got != status {
		t.Errorf("tessera %s: status %d, want %d\n%s", strings.Join(args, " "), got, status, errOut)
		return
	}
	for _, f := range fragments {
		if !strings.Contains(errOut, f) {
			t.Errorf("tessera %s: stderr %q lacks %q", strings.Join(args, " "), errOut, f)
		}
	}
}

func copyFile(t *testing.T, src, dst string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// unchanged fails if path no longer holds want.
func unchanged(t *testing.T, path string, want []byte) {
	t.Helper()
	if got, err := os.ReadFile(path); err != nil || string(got) != string(want) {
		t.Errorf("%s was changed (%v)", path, err)
	}
}

// dirHolds fails unless dir holds exactly the names given.
func dirHolds(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}

// Class 4: sizes beyond the memory budget are refused before the work,
// with the estimate and the budget; zero and negative sizes are usage
// errors; no size overflows into a panic.
func TestUnboundedFlags(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.png")
	cin := tiny("cin_transformer")
	budget := []string{"needs about", "more than the budget of"}
	wantRun(t, 1, append(budget, "100000x100000 tokens"), "sample", "--model", cin, "--class", "1", "--width", "100000", "--height", "100000", "--out", out)
	wantRun(t, 1, append(budget, "4294967296x8 tokens"), "sample", "--model", cin, "--class", "1", "--width", "4294967296", "--out", out)
	wantRun(t, 1, append(budget, "1000000000 grids"), "sample", "--model", cin, "--class", "1", "--count", "1000000000", "--out", out)
	for _, f := range []string{"--width", "--height", "--count"} {
		for _, v := range []string{"0", "-5"} {
			wantRun(t, 2, []string{f + " " + v + ": give a positive number"}, "sample", "--model", cin, "--class", "1", f, v, "--out", out)
		}
	}
	vq := tiny("vqgan")
	wantRun(t, 2, []string{"--cols 1000000000", "a side may have at most"}, "codebook", "--model", vq, "--cols", "1000000000", "--out", out)
	wantRun(t, 2, []string{"--scale 1000000", "a side may have at most"}, "codebook", "--model", vq, "--scale", "1000000", "--out", out)
	wantRun(t, 2, []string{"--cols -5: give a positive number"}, "codebook", "--model", vq, "--cols", "-5", "--out", out)
	wantRun(t, 2, []string{"--scale -3: give a positive number"}, "codebook", "--model", vq, "--scale", "-3", "--out", out)
	wantRun(t, 2, []string{"--cols 0: give a positive number"}, "codebook", "--model", vq, "--cols", "0", "--out", out)
	wantRun(t, 2, []string{"--threads 100000: give 1 to"}, "bench", "--workload", "gpt_sample", "--threads", "100000")
	dirHolds(t, dir)
}

// Class 5: NaN and infinite sampling settings are refused before the
// model is even opened; a grid with null codes is refused by index.
func TestSilentGarbageFlags(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.png")
	missing := filepath.Join(dir, "no-model")
	for _, c := range []struct{ flag, value, want string }{
		{"--temperature", "NaN", "--temperature NaN: give a finite number above 0"},
		{"--temperature", "Inf", "--temperature +Inf: give a finite number above 0"},
		{"--temperature", "-1", "--temperature -1: give a finite number above 0"},
		{"--top-p", "NaN", "--top-p NaN: give a number from 0 (off) to 1"},
		{"--top-p", "1.5", "--top-p 1.5"},
		{"--top-k", "-1", "--top-k -1"},
	} {
		wantRun(t, 2, []string{c.want}, "sample", "--model", missing, c.flag, c.value, "--out", out)
		wantRun(t, 2, []string{c.want}, "resample", "--model", missing, "--tokens", filepath.Join(dir, "g.json"), "--rect", "0,0,1,1", c.flag, c.value, "--out", out)
	}
	// A tiny temperature samples greedily rather than failing.
	mustRun(t, "sample", "--model", tiny("cin_transformer"), "--class", "1", "--temperature", "1e-38", "--seed", "1", "--out", out)
	grid := filepath.Join(dir, "null.json")
	os.WriteFile(grid, []byte(`{"width": 2, "height": 1, "codes": [null, 3]}`), 0o644)
	wantRun(t, 1, []string{"null.json", "codes[0] is null"}, "decode", "--model", tiny("vqgan"), "--out", filepath.Join(dir, "d.png"), grid)
}

// Class 6: an output naming one of the command's own inputs is refused,
// and the input is left as it was.
func TestOutputsNeverReplaceInputs(t *testing.T) {
	dir := t.TempDir()
	vq, cin := tiny("vqgan"), tiny("cin_transformer")
	img := copyFile(t, tiny("vqgan", "input0.png"), filepath.Join(dir, "in.png"))
	imgBytes, _ := os.ReadFile(img)
	input := "is also the "
	wantRun(t, 2, []string{"--out " + img + " is also the IMAGE input"}, "encode", "--model", vq, "--out", img, img)
	// The same file under another path.
	wantRun(t, 2, []string{input + "IMAGE input"}, "encode", "--model", vq, "--out", filepath.Join(dir, ".", "..", filepath.Base(dir), "in.png"), img)
	os.Link(img, filepath.Join(dir, "hard.png"))
	wantRun(t, 2, []string{input + "IMAGE input"}, "encode", "--model", vq, "--out", filepath.Join(dir, "hard.png"), img)
	unchanged(t, img, imgBytes)

	grid := filepath.Join(dir, "g.png")
	mustRun(t, "sample", "--model", cin, "--class", "2", "--seed", "3", "--out", grid)
	gridBytes, _ := os.ReadFile(grid)
	wantRun(t, 2, []string{input + "GRID input"}, "decode", "--model", vq, "--out", grid, grid)
	wantRun(t, 2, []string{input + "--tokens input"}, "resample", "--model", cin, "--tokens", grid, "--rect", "0,0,2,2", "--out", grid)
	wantRun(t, 2, []string{"written as JSON, which would replace the PNG"}, "resample", "--model", cin, "--tokens", grid, "--rect", "0,0,2,2",
		"--out", filepath.Join(dir, "r.png"), "--tokens", grid)
	unchanged(t, grid, gridBytes)

	seg := copyFile(t, tiny("seg_transformer", "segmentation.png"), filepath.Join(dir, "seg.png"))
	segBytes, _ := os.ReadFile(seg)
	wantRun(t, 2, []string{input + "--seg input"}, "sample", "--model", tiny("seg_transformer"), "--seg", seg, "--out", seg)
	wantRun(t, 2, []string{input + "--seg input"}, "sample", "--model", tiny("seg_transformer"), "--seg", seg, "--out", filepath.Join(dir, "s.png"), "--tokens", seg)
	unchanged(t, seg, segBytes)

	model := copyFile(t, tiny("vqgan", "checkpoints", "last.ckpt"), filepath.Join(dir, "m.ckpt"))
	cfg := copyFile(t, tiny("vqgan", "configs", "model.yaml"), filepath.Join(dir, "m.yaml"))
	modelBytes, _ := os.ReadFile(model)
	wantRun(t, 2, []string{input + "--model input"}, "convert", "--model", model, "--config", cfg, "--out", model)
	wantRun(t, 2, []string{input + "--config input"}, "convert", "--model", model, "--config", cfg, "--out", cfg)
	wantRun(t, 2, []string{input + "--model input"}, "codebook", "--model", model, "--config", cfg, "--out", model)
	wantRun(t, 2, []string{input + "--model input"}, "encode", "--model", model, "--config", cfg, "--out", model, img)
	unchanged(t, model, modelBytes)
	// A log directory's checkpoint is an input too, found when it opens.
	wantRun(t, 2, []string{input + "--model input"}, "decode", "--model", vq, "--out", tiny("vqgan", "checkpoints", "last.ckpt"), grid)
	wantRun(t, 2, []string{input + "--classify input"}, "landscape", "--classify", img, "--seg-out", img)
	unchanged(t, img, imgBytes)

	// The documented in-place edit of a JSON grid still works.
	js := filepath.Join(dir, "g.json")
	mustRun(t, "encode", "--model", tiny("vqgan"), "--out", js, img)
	before, _ := os.ReadFile(js)
	mustRun(t, "resample", "--model", cin, "--class", "1", "--tokens", js, "--rect", "0,0,4,4", "--seed", "5",
		"--out", filepath.Join(dir, "edited.png"), "--tokens", js)
	if after, _ := os.ReadFile(js); string(after) == string(before) {
		t.Error("--tokens X --tokens X did not edit X")
	}
}

// Class 6: every output is checked before the work, so a command with
// several outputs writes all of them or none.
func TestOutputsAreCheckedBeforeTheWork(t *testing.T) {
	dir := t.TempDir()
	cin := tiny("cin_transformer")
	out := filepath.Join(dir, "s.png")
	wantRun(t, 2, []string{"--tokens " + filepath.Join(dir, "missing", "s.json"), "folder " + filepath.Join(dir, "missing") + " does not exist"},
		"sample", "--model", cin, "--class", "1", "--out", out, "--tokens", filepath.Join(dir, "missing", "s.json"))
	dirHolds(t, dir)

	os.Mkdir(filepath.Join(dir, "s-2.png"), 0o755)
	wantRun(t, 2, []string{"--out: " + filepath.Join(dir, "s-2.png") + " (one of the 3 numbered outputs) is a directory"},
		"sample", "--model", cin, "--class", "1", "--count", "3", "--out", out)
	dirHolds(t, dir, "s-2.png")

	wantRun(t, 2, []string{"--out " + dir + ": is a directory"}, "sample", "--model", cin, "--class", "1", "--out", dir)
	wantRun(t, 2, []string{"--out " + dir + ": is a directory"}, "encode", "--model", tiny("vqgan"), "--out", dir, tiny("vqgan", "input0.png"))
	wantRun(t, 2, []string{"--out " + os.DevNull + ": is not a regular file"}, "codebook", "--model", tiny("vqgan"), "--out", os.DevNull)
	wantRun(t, 2, []string{"--out and --tokens both name " + out}, "sample", "--model", cin, "--class", "1", "--out", out, "--tokens", out)
	wantRun(t, 2, []string{"--out and --seg-out are both"}, "landscape", "--out", out, "--seg-out", out)
	wantRun(t, 2, []string{"--seg-out " + filepath.Join(dir, "nope", "l.png")}, "landscape", "--out", out, "--seg-out", filepath.Join(dir, "nope", "l.png"))
	dirHolds(t, dir, "s-2.png")

	// What does fit is written whole, and only then.
	os.Remove(filepath.Join(dir, "s-2.png"))
	mustRun(t, "sample", "--model", cin, "--class", "1", "--count", "2", "--out", out, "--tokens", filepath.Join(dir, "s.json"))
	dirHolds(t, dir, "s-1.json", "s-1.png", "s-2.json", "s-2.png")
}

func TestStagingCommitsOrLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	var st staging
	a, _ := st.file(filepath.Join(dir, "a"))
	os.WriteFile(a, []byte("1"), 0o644)
	st.discard()
	dirHolds(t, dir)
	st = staging{}
	a, _ = st.file(filepath.Join(dir, "a"))
	b, _ := st.file(filepath.Join(dir, "b"))
	os.WriteFile(a, []byte("1"), 0o644)
	os.WriteFile(b, []byte("2"), 0o644)
	if err := st.commit(); err != nil {
		t.Fatal(err)
	}
	st.discard() // after a commit: nothing to remove
	dirHolds(t, dir, "a", "b")
}
