package main

import (
	"encoding/json"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/engine/data/landscape"
	"tessera/engine/imgio"
	"tessera/engine/model"
)

const tinyClassifierYAML = `model:
  base_learning_rate: 2.5e-4
  target: tessera.models.PixelClassifier
  params:
    label_names: [sky, cloud, mountain, snow, rock, water, sand, grass, tree, flowers]
    ddconfig:
      in_channels: 3
      out_ch: 10
      ch: 32
      ch_mult: [1, 1]
      num_res_blocks: 1
      attn_resolutions: []
      resolution: 16
      z_channels: 8
      double_z: false
`

// trainTinyClassifier trains a classifier for two steps on four generated
// pairs with the commands a recipe uses, and returns its model file.
func trainTinyClassifier(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	imgs, labels, cfg := filepath.Join(dir, "img"), filepath.Join(dir, "lab"), filepath.Join(dir, "classifier.yaml")
	if err := os.WriteFile(cfg, []byte(tinyClassifierYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "landscape", "--count", "4", "--seed", "1", "--width", "32", "--height", "16", "--out", imgs, "--seg-out", labels)
	out := filepath.Join(dir, "run")
	stdout := mustRun(t, "train", "classifier", "--data", imgs, "--labels", labels, "--config", cfg, "--out", out,
		"--steps", "2", "--size", "16", "--batch", "2", "--threads", "2")
	if !strings.Contains(stdout, "2 steps") {
		t.Errorf("train stdout %q", stdout)
	}
	logs := readLog(t, filepath.Join(out, "log.jsonl"))
	if len(logs) != 2 || logs[0]["loss"] == nil || logs[0]["accuracy"] == nil {
		t.Errorf("log %v lacks loss and accuracy", logs)
	}
	return filepath.Join(out, "model.safetensors")
}

func TestLandscapeClassify(t *testing.T) {
	m := trainTinyClassifier(t)
	dir := t.TempDir()
	img, seg := filepath.Join(dir, "in.png"), filepath.Join(dir, "labels.png")
	mustRun(t, "landscape", "--seed", "5", "--width", "30", "--height", "17", "--out", img)
	stdout := mustRun(t, "landscape", "--classify", img, "--seg-out", seg, "--model", m)
	if !strings.Contains(stdout, "30x17 labels of "+img) {
		t.Errorf("stdout %q", stdout)
	}
	got, err := imgio.Decode(seg)
	if err != nil {
		t.Fatal(err)
	}
	grey, ok := got.(*image.Gray)
	if !ok || grey.Rect.Dx() != 30 || grey.Rect.Dy() != 17 {
		t.Fatalf("the label map is a %T of %v, want an 8-bit 30x17 map", got, got.Bounds())
	}
	opened, err := model.Open(m, "")
	if err != nil {
		t.Fatal(err)
	}
	in, _, err := imgio.Load(img, 1)
	if err != nil {
		t.Fatal(err)
	}
	want, err := opened.Classifier.Classify(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(grey.Pix) != string(want) {
		t.Error("the label map is not the classifier's labels")
	}
	meta, err := imgio.ReadPNGMeta(seg)
	if err != nil || !strings.HasPrefix(meta["Labels"], "0 sky, 1 cloud") {
		t.Errorf("label map metadata %v, %v", meta, err)
	}

	// --accuracy counts the pixels the classifier gets right on the
	// held-out seeds.
	var r accuracyReport
	if err := json.Unmarshal([]byte(mustRun(t, "landscape", "--accuracy", "2", "--width", "24", "--height", "12", "--model", m, "--json")), &r); err != nil {
		t.Fatal(err)
	}
	var right int
	for s := int64(heldOutSeed); s < heldOutSeed+2; s++ {
		pic, labels, err := landscape.Generate(s, 24, 12, landscape.RandomScene(s))
		if err != nil {
			t.Fatal(err)
		}
		pred, err := opened.Classifier.Classify(pic)
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range labels {
			if pred[i] == l {
				right++
			}
		}
	}
	if r.Images != 2 || r.Seeds != [2]int64{heldOutSeed, heldOutSeed + 1} || r.Pixels != 2*24*12 || len(r.Labels) != 10 {
		t.Errorf("report %+v", r)
	}
	if want := float64(right) / (2 * 24 * 12); math.Abs(r.Accuracy-want) > 1e-12 {
		t.Errorf("accuracy %v, counted %v", r.Accuracy, want)
	}
	text := mustRun(t, "landscape", "--accuracy", "1", "--seed", "3", "--width", "24", "--height", "12", "--model", m)
	if !strings.Contains(text, "on 1 landscapes (seeds 3 to 3, 24x12)") || !strings.Contains(text, "flowers") {
		t.Errorf("accuracy text %q", text)
	}

	card := mustRun(t, "inspect", "--model", m)
	if !strings.Contains(card, "classifier") || !strings.Contains(card, "10: sky, cloud, mountain") {
		t.Errorf("inspect:\n%s", card)
	}
	status, _, stderr := runArgs("encode", "--model", m, "--out", filepath.Join(dir, "grid.json"), img)
	if status == 0 || !strings.Contains(stderr, "is a pixel classifier") {
		t.Errorf("encode with a classifier: status %d, stderr %q", status, stderr)
	}
}

func TestLandscapeClassifyErrors(t *testing.T) {
	dir := t.TempDir()
	img, seg := filepath.Join(dir, "in.png"), filepath.Join(dir, "labels.png")
	for _, c := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"--classify", img}, 2, "needs --seg-out"},
		{[]string{"--classify", img, "--seg-out", seg}, 1, "in.png: no such file"},
		{[]string{"--classify", img, "--seg-out", seg, "--count", "3"}, 2, "--count does not go with"},
		{[]string{"--classify", img, "--seg-out", seg, "--width", "64"}, 2, "labels the image at its own size"},
		{[]string{"--classify", img, "--accuracy", "3", "--seg-out", seg}, 2, "not both"},
		{[]string{"--accuracy", "0"}, 2, "--accuracy must be at least 1"},
		{[]string{"--accuracy", "2", "--seg-out", seg}, 2, "--accuracy writes no files"},
		{[]string{"--out", img, "--model", "m.safetensors"}, 2, "--model and --json go with"},
		{[]string{"--accuracy", "2", "--model", tiny("vqgan")}, 1, "is a vqgan model, not a pixel classifier"},
	} {
		status, _, stderr := runArgs(append([]string{"landscape"}, c.args...)...)
		if status != c.status || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: status %d, stderr %q; want %d and %q", c.args, status, stderr, c.status, c.want)
		}
	}
	if _, err := os.Stat(seg); err == nil {
		t.Error("a failed command wrote a label map")
	}
}
