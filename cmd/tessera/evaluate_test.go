package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEvaluate(t *testing.T) {
	var ev evaluation
	out := mustRun(t, "evaluate", "--json", "--model", tiny("vqgan"), tiny("vqgan"))
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// The two 32x32 inputs: 128 codes of a 64-entry codebook.
	if ev.Images != 2 || ev.Entries != 64 || ev.PSNR < 5 || ev.PSNR > 60 || ev.WorstPSNR > ev.PSNR || ev.CodebookUsage <= 0 || ev.CodebookUsage > 1 {
		t.Fatalf("evaluation %+v", ev)
	}
	text := mustRun(t, "evaluate", "--model", tiny("vqgan"), tiny("vqgan", "input0.png"))
	if !strings.Contains(text, "PSNR:") || !strings.Contains(text, "of 64 entries") {
		t.Fatalf("report:\n%s", text)
	}
	if status, _, _ := runArgs("evaluate", "--model", tiny("vqgan"), t.TempDir()); status == 0 {
		t.Fatal("an empty folder evaluated")
	}
}

func TestEvaluateLandscapes(t *testing.T) {
	var ev evaluation
	out := mustRun(t, "evaluate", "--json", "--model", tiny("vqgan"), "--landscapes", "2", "--width", "64", "--height", "32")
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if ev.Images != 2 || ev.PSNR <= 0 || ev.CodebookUsage <= 0 {
		t.Fatalf("evaluation %+v", ev)
	}
	status, _, stderr := runArgs("evaluate", "--model", tiny("seg_transformer"), "--agreement", "1", "--classifier", tiny("vqgan"))
	if status == 0 || !strings.Contains(stderr, "not a segmentation transformer over the landscapes' 10 labels") {
		t.Fatalf("a 5-label model measured against the landscapes: status %d, %s", status, stderr)
	}
	if status, _, _ := runArgs("evaluate", "--model", tiny("vqgan"), "--landscapes", "2", tiny("vqgan")); status != 2 {
		t.Fatalf("files and --landscapes together: status %d", status)
	}
}
