package session

import (
	"testing"

	"tessera/engine/pipeline"
	"tessera/engine/sample"
	"tessera/engine/tokens"
)

// Jobs are named for what they make.
func TestJobNames(t *testing.T) {
	s := open(t, "cin_transformer")
	class := 3
	req := pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}, Options: sample.Options{Count: 4}}
	if got := s.Sample(req).Name; got != "Sample 4 × 8×8 (class 3)" {
		t.Errorf("a batch at the native size is named %q", got)
	}
	req = pipeline.SampleRequest{W: 16, H: 12, Options: sample.Options{Seed: 9}}
	if got := SampleName(s.model, req); got != "Sample 1 × 16×12 (seed 9)" {
		t.Errorf("an unconditioned run is named %q", got)
	}
	mask, _ := tokens.MaskFromRect(8, 8, 1, 2, 6, 4)
	if got := s.Resample(tokens.New(8, 8), mask, req).Name; got != "Resample region 6×4" {
		t.Errorf("a region resample is named %q", got)
	}
	if got := s.Codebook().Name; got != "Codebook atlas" {
		t.Errorf("the codebook render is named %q", got)
	}
	if got := s.SampleAs("Hi-Res 64×48 (seed 9)", req).Name; got != "Hi-Res 64×48 (seed 9)" {
		t.Errorf("SampleAs named its job %q", got)
	}
}

// A spatial condition gives the grid when the request has no size.
func TestJobNameFromALabelMap(t *testing.T) {
	s := open(t, "seg_transformer")
	f := s.model.CondStage.Config.Factor()
	lm := &pipeline.LabelMap{W: 12 * f, H: 8 * f, Labels: make([]int, 96*f*f)}
	req := pipeline.SampleRequest{Cond: pipeline.Condition{Labels: lm, Describe: "painted labels"}}
	if got := SampleName(s.model, req); got != "Sample 1 × 12×8 (painted labels)" {
		t.Errorf("a run on a label map is named %q", got)
	}
}
