package pipeline

import (
	"context"
	"slices"
	"testing"

	"tessera/engine/sample"
)

// A run reports two phases, each with its own progress: the tokens, then
// the images decoded (tile by tile when tiled), named for a person.
func TestSampleReportsNamedPhases(t *testing.T) {
	m := openModel(t, "cin_transformer")
	class := 3
	req := SampleRequest{Cond: Condition{Class: &class}, W: 20, H: 12, Options: sample.Options{Seed: 1, Count: 2}, Decode: DecodeOptions{Budget: 1}}
	var names []string
	var decoding []Progress
	_, err := Sample(context.Background(), m, req, func(p Progress) {
		if len(names) == 0 || names[len(names)-1] != p.Phase() {
			names = append(names, p.Phase())
		}
		if p.Stage == "decoding" {
			decoding = append(decoding, p)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Sampling 1/240 tokens", "Sampling 240/240 tokens", "Decoding 80×48, 1 of 2", "Decoding 80×48, 2 of 2"} {
		if !slices.Contains(names, want) {
			t.Errorf("phases %q lack %q", names, want)
		}
	}
	if names[len(names)-1] != "Decoding 80×48, 2 of 2" {
		t.Errorf("the last phase is %q", names[len(names)-1])
	}
	// The bar starts again at 0 for decoding and moves with the tiles.
	if len(decoding) < 4 || decoding[0].Done != 0 {
		t.Fatalf("decoding reported %+v", decoding)
	}
	frac := func(p Progress) float64 { return float64(p.Done) / float64(p.Total) }
	for i, p := range decoding[1:] {
		if frac(p) < frac(decoding[i]) || p.Done > p.Total {
			t.Fatalf("decoding progress %d/%d after %d/%d", p.Done, p.Total, decoding[i].Done, decoding[i].Total)
		}
	}
}
