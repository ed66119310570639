package main

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/engine/data/landscape"
	"tessera/engine/imgio"
)

func TestLandscapeWritesAPair(t *testing.T) {
	dir := t.TempDir()
	img, seg := filepath.Join(dir, "image.png"), filepath.Join(dir, "labels.png")
	out := mustRun(t, "landscape", "--seed", "9", "--width", "96", "--height", "48", "--scene", "lake", "--out", img, "--seg-out", seg)
	if !strings.Contains(out, "lake landscape, seed 9, 96x48") {
		t.Errorf("stdout %q", out)
	}
	wantImg, wantLabels, err := landscape.Generate(9, 96, 48, landscape.Lake)
	if err != nil {
		t.Fatal(err)
	}
	got, err := imgio.Decode(img)
	if err != nil {
		t.Fatal(err)
	}
	// Opaque, so the PNG decoder's RGBA bytes are the generator's NRGBA ones.
	if n, ok := got.(*image.RGBA); !ok || !bytes.Equal(n.Pix, wantImg.Pix) {
		t.Errorf("the image is a %T, not the generator's pixels", got)
	}
	grey, err := imgio.Decode(seg)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := grey.(*image.Gray); !ok || !bytes.Equal(g.Pix, wantLabels) {
		t.Errorf("the label map is a %T, not the generator's 8-bit labels", grey)
	}
	meta, err := imgio.ReadPNGMeta(seg)
	if err != nil || meta["Seed"] != "9" || meta["Scene"] != "lake" || !strings.HasPrefix(meta["Labels"], "0 sky, 1 cloud") {
		t.Errorf("label map metadata %v, %v", meta, err)
	}
}

func TestLandscapeDefaultsToARandomScene(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "image.png")
	out := mustRun(t, "landscape", "--seed", "4", "--out", img)
	want := landscape.RandomScene(4).String() + " landscape, seed 4, 512x256"
	if !strings.Contains(out, want) {
		t.Errorf("stdout %q, want %q", out, want)
	}
}

func TestLandscapeCountByScene(t *testing.T) {
	dir := t.TempDir()
	imgs, segs := filepath.Join(dir, "images"), filepath.Join(dir, "labels")
	mustRun(t, "landscape", "--count", "4", "--seed", "20", "--width", "32", "--height", "16", "--by-scene",
		"--out", imgs, "--seg-out", segs)
	for i := range 4 {
		s := landscape.RandomScene(20 + int64(i)).String()
		name := filepath.Join(s, "image-0000"+string(rune('0'+i))+".png")
		for _, d := range []string{imgs, segs} {
			if _, err := os.Stat(filepath.Join(d, name)); err != nil {
				t.Errorf("%s lacks %s", d, name)
			}
		}
	}
	flat := filepath.Join(dir, "flat")
	mustRun(t, "landscape", "--count", "2", "--seed", "20", "--width", "32", "--height", "16", "--scene", "desert", "--out", flat)
	entries, err := os.ReadDir(flat)
	if err != nil || len(entries) != 2 || entries[0].Name() != "image-00000.png" || entries[1].Name() != "image-00001.png" {
		t.Errorf("flat folder: %v, %v", entries, err)
	}
}

func TestLandscapeErrors(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "a.png")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--scene", "tundra", "--out", img}, "unknown scene \"tundra\" (scenes: alpine, coast, desert, dusk, forest, lake, meadow, or random)"},
		{[]string{"--width", "0", "--out", img}, "from 1 to 8192, got 0x256"},
		{[]string{"--height", "-3", "--out", img}, "from 1 to 8192, got 512x-3"},
		{[]string{"--width", "9000", "--out", img}, "from 1 to 8192"},
		{[]string{"--out", img, "--seg-out", filepath.Join(dir, ".", "a.png")}, "--out and --seg-out are both"},
		{[]string{"--width", "16"}, "need --out or --seg-out"},
		{[]string{"--count", "0", "--out", dir}, "--count must be at least 1"},
		{[]string{"--by-scene", "--out", img}, "--by-scene needs --count"},
		{[]string{"--out", img, "extra"}, "unexpected arguments"},
	} {
		status, _, stderr := runArgs(append([]string{"landscape"}, c.args...)...)
		if status != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: status %d, stderr %q; want 2 and %q", c.args, status, stderr, c.want)
		}
	}
	if _, err := os.Stat(img); err == nil {
		t.Error("a failed command wrote a file")
	}
}
