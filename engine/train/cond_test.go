package train

import (
	"fmt"
	"math"
	"testing"

	"tessera/engine/data"
	"tessera/engine/internal/reftest"
	"tessera/engine/model"
)

// TestCondStageStepsMatchTaming trains seg_transformer's cond stage as a
// VQSegmentationModel for the two reference steps (Adam 0.5, 0.9 at lr
// 1e-3 on the reference label maps).
func TestCondStageStepsMatchTaming(t *testing.T) {
	ck, err := model.OpenCheckpoint(reftest.Path("seg_transformer"), "")
	if err != nil {
		t.Fatal(err)
	}
	defer ck.Close()
	ref := reftest.Open(t, "seg_transformer", "train.safetensors")
	cfg, src, err := firstStageOf(&origin{spec: ck.Spec, weights: ck.Weights, name: "seg_transformer"}, true)
	if err != nil {
		t.Fatal(err)
	}
	ps := NewParams(src)
	obj, err := newCondObjective(cfg, ps, 1, 2, 32)
	if err != nil {
		t.Fatal(err)
	}
	labels := reftest.Ints(t, ref, "cond/segmentation_labels")
	maps := make([][]float32, 2)
	for i := range maps {
		l := make([]uint8, 32*32)
		for p := range l {
			l[p] = uint8(labels[i*32*32+p])
		}
		if maps[i], err = data.OneHot(l, cfg.DD.InChannels); err != nil {
			t.Fatal(err)
		}
	}
	x := stack(maps, cfg.DD.InChannels, 32)
	opt := newAdam(1e-3)
	for step := 0; step < 2; step++ {
		logs, err := obj.step(x, 1)
		if err != nil {
			t.Fatal(err)
		}
		for name, got := range logs {
			want := float64(reftest.Floats(t, ref, fmt.Sprintf("cond/step%d/train/%s", step, name))[0])
			if d := math.Abs(got - want); d > 1e-4*math.Abs(want) {
				t.Errorf("step %d %s = %.7g, taming %.7g", step, name, got, want)
			}
		}
		if step == 0 {
			for _, key := range []string{"encoder.conv_in.weight", "decoder.conv_out.weight", "quantize.embedding.weight"} {
				matchesReference(t, "grad/"+key, ps.Get(key).GradFloats(), reftest.Floats(t, ref, "cond/grad/"+key), 1e-3)
			}
		}
		if err := (&updater{}).apply(opt, ps.List()); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{"encoder.conv_in.weight", "decoder.conv_out.weight", "quantize.embedding.weight"} {
		matchesReference(t, "after/"+key, ps.Get(key).Floats(), reftest.Floats(t, ref, "cond/after/"+key), 1e-3)
	}
}
