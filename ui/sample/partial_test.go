package sample

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"tessera/engine/imgio"
	"tessera/engine/pipeline"
	"tessera/engine/sample"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

func TestACancelledRunsResultsAreLabelledPartial(t *testing.T) {
	env, s, _, w := newSampler(t, "cin_transformer")
	root := uitest.KeepOutputs(t, env)
	m, _ := env.Session.Model()
	class := 2
	ctx, cancel := context.WithCancel(context.Background())
	res, err := pipeline.Sample(ctx, m, pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}, Options: sample.Options{Seed: 5}},
		func(p pipeline.Progress) {
			if p.Done == 10 && p.Stage == "sampling" {
				cancel()
			}
		})
	if !errors.Is(err, context.Canceled) || len(res) != 1 {
		t.Fatalf("the cancelled run gave %d results, err %v", len(res), err)
	}
	view.Sync(func() { s.finished(res, err) })
	if !uitest.ShowsText(w, widgets.PartialText+" · seed 5") {
		t.Errorf("the card does not say the result is partial: %v", uitest.Texts(w))
	}
	for name := range uitest.WaitForOutputs(t, root, 1) {
		paths, _ := filepath.Glob(filepath.Join(root, "*", name))
		_, params, err := imgio.GridFromPNG(paths[0])
		if err != nil || !pipeline.IsPartial(params) {
			t.Errorf("the history file %s does not say it is partial: %v %v", name, params, err)
		}
	}
}
