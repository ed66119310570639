package pipeline

import (
	"context"
	"errors"
	"slices"
	"testing"

	"tessera/engine/sample"
	"tessera/engine/tokens"
)

// A decode stops between the decoder's blocks once its context is
// cancelled, whole or tiled: a preview in progress does not hold up a
// cancelled run.
func TestCancelledDecodeStops(t *testing.T) {
	m := openModel(t, "vqgan")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g := tokens.New(40, 36)
	for _, opt := range []DecodeOptions{{}, {Budget: 1}} {
		if img, err := Decode(ctx, m, g, opt, nil); !errors.Is(err, context.Canceled) || img != nil {
			t.Errorf("budget %d: a cancelled decode returned %v, %v", opt.Budget, img, err)
		}
	}
	if img, err := Decode(context.Background(), m, g, DecodeOptions{}, nil); err != nil || img == nil {
		t.Fatalf("the decode itself fails: %v", err)
	}
}

// A run cancelled at token n reports n tokens sampled and then decodes the
// partial grid under a phase that says so.
func TestCancelledSampleSaysWhatItDecodes(t *testing.T) {
	m := openModel(t, "cin_transformer")
	class := 3
	ctx, cancel := context.WithCancel(context.Background())
	req := SampleRequest{Cond: Condition{Class: &class}, W: 16, H: 8, Options: sample.Options{Seed: 1}, PreviewEvery: 4}
	var last Progress
	var phases []string
	res, err := Sample(ctx, m, req, func(p Progress) {
		if p.Stage == "sampling" {
			last = p
			if p.Done == 21 {
				cancel()
			}
		}
		phases = append(phases, p.Phase())
	})
	if !errors.Is(err, context.Canceled) || len(res) != 1 || res[0].Image == nil {
		t.Fatalf("err %v, %d results", err, len(res))
	}
	if last.Done != 21 || last.Total != 128 || res[0].Drawn != 21 || res[0].Planned != 128 {
		t.Errorf("the last sampling report is %d of %d, the result says %d of %d: want 21 of 128", last.Done, last.Total, res[0].Drawn, res[0].Planned)
	}
	if !slices.Contains(phases, "Decoding the partial grid 64×32") {
		t.Errorf("phases %q", phases)
	}
}
