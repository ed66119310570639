//go:build unix

package main

import (
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// wantRunSoon is wantRun that fails instead of hanging when the command
// blocks (on a FIFO).
func wantRunSoon(t *testing.T, status int, fragments []string, args ...string) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		wantRun(t, status, fragments, args...)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("tessera %s blocked", strings.Join(args, " "))
	}
}

func fifo(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	return p
}

// pngHeader writes a tiny PNG whose header claims w×h pixels.
func pngHeader(t *testing.T, path string, w, h int) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, _ := os.ReadFile(path)
	put := func(at int, v uint32) {
		b[at], b[at+1], b[at+2], b[at+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	put(16, uint32(w))
	put(20, uint32(h))
	put(29, crc32.ChecksumIEEE(b[12:29]))
	os.WriteFile(path, b, 0o644)
	return path
}

// Class 7: special files are refused at once wherever a path is read.
func TestSpecialFilesAreRefused(t *testing.T) {
	dir := t.TempDir()
	vq, vqCkpt, vqCfg := tiny("vqgan"), tiny("vqgan", "checkpoints", "last.ckpt"), tiny("vqgan", "configs", "model.yaml")
	img := tiny("vqgan", "input0.png")
	out := filepath.Join(dir, "out.json")
	pipe := fifo(t, dir, "pipe.ckpt")
	notRegular := "is a FIFO (named pipe), not a regular file"
	wantRunSoon(t, 1, []string{pipe + " " + notRegular}, "inspect", "--model", pipe, "--config", vqCfg)
	wantRunSoon(t, 1, []string{"config " + pipe + " " + notRegular}, "inspect", "--model", vqCkpt, "--config", pipe)
	wantRunSoon(t, 1, []string{"config /dev/zero is a character device, not a regular file"}, "encode", "--model", vqCkpt, "--config", "/dev/zero", "--out", out, img)
	wantRunSoon(t, 1, []string{"tokens: /dev/zero is a character device, not a regular file"}, "decode", "--model", vq, "--out", filepath.Join(dir, "d.png"), "/dev/zero")
	wantRunSoon(t, 1, []string{"imgio: " + pipe + " " + notRegular}, "encode", "--model", vq, "--out", out, pipe)
	pngPipe := fifo(t, dir, "grid.png")
	wantRunSoon(t, 1, []string{"imgio: " + pngPipe + " " + notRegular}, "decode", "--model", vq, "--out", filepath.Join(dir, "d.png"), pngPipe)
	wantRunSoon(t, 1, []string{"imgio: " + pngPipe + " " + notRegular}, "sample", "--model", tiny("seg_transformer"), "--seg", pngPipe, "--out", filepath.Join(dir, "s.png"))
	dirHolds(t, dir, "grid.png", "pipe.ckpt")
}

// Class 3: an image whose encode would exceed the memory budget is refused
// from its header, naming the estimate and the budget.
func TestEncodeBeyondTheBudgetIsRefused(t *testing.T) {
	dir := t.TempDir()
	big := pngHeader(t, filepath.Join(dir, "big.png"), 65536, 65536)
	wantRun(t, 1, []string{"pipeline: encoding " + big + " (65536x65536) needs about", "more than the budget of"},
		"encode", "--model", tiny("vqgan"), "--out", filepath.Join(dir, "g.json"), big)
	dirHolds(t, dir, "big.png")
}

// Class 8: the messages.
func TestCarelessInputMessages(t *testing.T) {
	dir := t.TempDir()
	cin := tiny("cin_transformer")
	out := filepath.Join(dir, "r.png")
	grid := filepath.Join(dir, "g.json")
	mustRun(t, "sample", "--model", cin, "--class", "2", "--seed", "1", "--top-k", "1", "--out", filepath.Join(dir, "s.png"), "--tokens", grid)

	// --rect takes exactly four numbers.
	wantRun(t, 2, []string{`--rect "1,1,2,2,5": want x,y,w,h (four integers in tokens), got 5 fields`}, "resample", "--model", cin, "--tokens", grid, "--rect", "1,1,2,2,5", "--out", out)
	wantRun(t, 2, []string{`--rect "1,1,2,x"`, `"x" is not an integer`}, "resample", "--model", cin, "--tokens", grid, "--rect", "1,1,2,x", "--out", out)

	// An all-black mask selects nothing.
	black := filepath.Join(dir, "black.png")
	f, _ := os.Create(black)
	png.Encode(f, image.NewGray(image.Rect(0, 0, 8, 8)))
	f.Close()
	wantRun(t, 1, []string{"the mask selects no tokens"}, "resample", "--model", cin, "--tokens", grid, "--mask", black, "--out", out)

	// A class the grid records but the model lacks is named, not dropped.
	js, _ := os.ReadFile(grid)
	for _, c := range []struct{ value, shown string }{{`"cat"`, `"cat"`}, {`99`, `99`}, {`null`, `null`}, {`2.5`, `2.5`}, {`-1`, `-1`}} {
		bad := strings.Replace(string(js), `"class": 2`, `"class": `+c.value, 1)
		os.WriteFile(grid, []byte(bad), 0o644)
		wantRun(t, 1, []string{grid + `: the grid's "class" is ` + c.shown + `, not a class of this model (an id in 0..9); give --class to choose one`},
			"resample", "--model", cin, "--tokens", grid, "--rect", "0,0,2,2", "--out", out)
	}
	// --class still overrides it.
	mustRun(t, "resample", "--model", cin, "--tokens", grid, "--rect", "0,0,2,2", "--class", "3", "--seed", "1", "--out", out)

	// --seg with --width/--height scales the map to that grid.
	seg := tiny("seg_transformer")
	s := filepath.Join(dir, "seg.png")
	status, stdout, stderr := runArgs("sample", "--model", seg, "--seg", tiny("seg_transformer", "segmentation.png"), "--width", "28", "--height", "20",
		"--top-k", "1", "--seed", "1", "--out", s)
	if status != 0 || !strings.Contains(stdout, "28x20 tokens, 112x80 pixels") ||
		!strings.Contains(stderr, "note: label map scaled from 56x40 to 112x80 pixels (nearest neighbour) for a 28x20-token grid") {
		t.Errorf("--seg --width 28 --height 20: status %d\n%s\n%s", status, stdout, stderr)
	}

	// YAML errors: the line of the user's own file.
	cfg, _ := os.ReadFile(tiny("vqgan", "configs", "model.yaml"))
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(strings.Replace(string(cfg), "num_res_blocks: 1", "num_res_blocks: many", 1)), 0o644)
	wantRun(t, 1, []string{bad, "line 15: cannot unmarshal !!str `many` into int"}, "inspect", "--model", tiny("vqgan", "checkpoints", "last.ckpt"), "--config", bad)
}
