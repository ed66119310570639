package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readLog parses a --log file: one JSON object per step.
func readLog(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	return lines
}

// TestTrainVQGANCommand fine-tunes the LPIPS training fixture from the
// command line, logs taming's values every step, and continues with
// --resume.
func TestTrainVQGANCommand(t *testing.T) {
	out := t.TempDir()
	log := filepath.Join(out, "train.jsonl")
	mustRun(t, "train", "vqgan", "--data", tiny("vqgan_lpips"), "--init", tiny("vqgan_lpips"), "--out", out,
		"--steps", "2", "--batch", "2", "--no-shuffle", "--no-augment", "--log", log, "--threads", "2")
	lines := readLog(t, log)
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2", len(lines))
	}
	for _, key := range []string{"step", "total_loss", "quant_loss", "nll_loss", "rec_loss", "p_loss", "d_weight", "disc_factor",
		"g_loss", "disc_loss", "logits_real", "logits_fake", "lr", "perplexity", "codebook_usage", "images_per_s"} {
		if _, ok := lines[1][key]; !ok {
			t.Errorf("log line lacks %s: %v", key, lines[1])
		}
	}
	if lines[0]["step"] != 0.0 || lines[1]["step"] != 1.0 || lines[0]["lr"] != 1e-3 {
		t.Errorf("steps %v, %v; lr %v (want base 5e-4 x batch 2)", lines[0]["step"], lines[1]["step"], lines[0]["lr"])
	}
	for _, name := range []string{"model.safetensors", "config.json", "images/step-000001.png", "images/step-000002.png"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("--out lacks %s", name)
		}
	}
	mustRun(t, "train", "vqgan", "--resume", out, "--steps", "3", "--log", log)
	if lines := readLog(t, log); len(lines) != 3 || lines[2]["step"] != 2.0 {
		t.Errorf("after resuming the log has %d lines", len(lines))
	}
	mustRun(t, "inspect", "--model", out)
}

func TestTrainErrors(t *testing.T) {
	out := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train", "vqgan", "--data", tiny("vqgan"), "--init", tiny("vqgan"), "--out", out, "--steps", "1", "--perceptual-weight", "1"},
			"--lpips FILE"},
		{[]string{"train", "vqgan", "--data", tiny("vqgan"), "--init", tiny("vqgan"), "--out", out, "--steps", "1", "--perceptual-weight", "1"},
			"--perceptual-weight 0"},
		{[]string{"train", "vqgan", "--data", tiny("vqgan"), "--out", out, "--steps", "1"}, "--init MODEL or --config"},
		{[]string{"train", "gan", "--data", tiny("vqgan")}, "unknown kind"},
		{[]string{"train", "vqgan", "--data", t.TempDir(), "--init", tiny("vqgan"), "--out", out, "--steps", "1"}, "holds no PNG or JPEG images"},
		{[]string{"train", "transformer", "--data", tiny("vqgan"), "--init", tiny("seg_transformer"), "--out", out, "--steps", "1"}, "--labels"},
	}
	for _, c := range cases {
		status, _, stderr := runArgs(c.args...)
		if status == 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("tessera %s: status %d, stderr %q; want an error mentioning %q", strings.Join(c.args, " "), status, stderr, c.want)
		}
	}
}

// TestFineTuneFirstStageWithoutDiscriminator: a Net2Net's first stage has
// neither an objective nor a discriminator; the run says it starts them
// fresh and trains.
func TestFineTuneFirstStageWithoutDiscriminator(t *testing.T) {
	out := t.TempDir()
	status, _, stderr := runArgs("train", "vqgan", "--data", tiny("vqgan"), "--init", tiny("cin_transformer"), "--out", out,
		"--steps", "1", "--batch", "2", "--perceptual-weight", "0")
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	for _, want := range []string{"no discriminator", "VQLPIPSWithDiscriminator's defaults"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}
