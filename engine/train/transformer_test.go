package train

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"tessera/engine/internal/reftest"
	"tessera/engine/model"
)

// copyShapes lays the generated images out under dir/sub.
func copyShapes(t *testing.T, from, dir, sub string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, sub, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTrainClassTransformer fine-tunes the class-conditional fixture on
// named class folders: the names become the model's, the first stage stays
// frozen, and the result opens as a model.
func TestTrainClassTransformer(t *testing.T) {
	dir := t.TempDir()
	copyShapes(t, writeShapes(t, 3), dir, "cats")
	copyShapes(t, writeShapes(t, 2), dir, "dogs")
	out := t.TempDir()
	seen := runSteps(t, Options{Kind: KindTransformer, Data: dir, Init: reftest.Path("cin_transformer"), Out: out, Size: 32, Batch: 2, Steps: 4, LR: 1e-3, Seed: 2})
	var losses []float64
	for _, p := range seen {
		if p.Logs != nil {
			losses = append(losses, p.Logs["loss"])
			if p.Logs["tokens_per_s"] <= 0 {
				t.Errorf("step %d: no token speed in %v", p.Step, p.Logs)
			}
		}
	}
	if len(losses) != 4 || losses[3] >= losses[0] {
		t.Errorf("losses %v: want 4, falling", losses)
	}
	m, err := model.Open(filepath.Join(out, ModelFile), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Spec.Cond.Names; !slices.Equal(got, []string{"cats", "dogs"}) {
		t.Errorf("class names %v, want [cats dogs]", got)
	}
	orig, err := model.Open(reftest.Path("cin_transformer"), "")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := m.FirstStage.Quantizer.Codebook()
	b, _ := orig.FirstStage.Quantizer.Codebook()
	if !slices.Equal(a, b) {
		t.Error("the frozen first stage's codebook changed")
	}
	if _, err := os.Stat(filepath.Join(out, "images", "step-000001.png")); err != nil {
		t.Errorf("no sample picture at step 1: %v", err)
	}
}

// TestTrainSegmentationTransformerFromConfig builds a fresh segmentation
// transformer from a config over frozen stages taken from other models.
func TestTrainSegmentationTransformerFromConfig(t *testing.T) {
	images := writeShapes(t, 4)
	labels := t.TempDir()
	entries, _ := os.ReadDir(images)
	for i, e := range entries {
		m := image.NewGray(image.Rect(0, 0, 16, 16))
		for p := range m.Pix {
			m.Pix[p] = uint8((p/16 + i) % 5)
		}
		f, err := os.Create(filepath.Join(labels, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, m)
		f.Close()
	}
	out := t.TempDir()
	runSteps(t, Options{Kind: KindTransformer, Data: images, Labels: labels, Config: reftest.Path("seg_transformer", "configs", "model.yaml"),
		FirstStage: reftest.Path("vqgan"), CondStage: reftest.Path("seg_transformer"), Out: out, Batch: 2, Steps: 3, Seed: 5,
		LabelNames: []string{"sky", "sea", "sand", "grass", "rock"}})
	m, err := model.Open(out, "")
	if err != nil {
		t.Fatal(err)
	}
	if m.CondStage == nil || m.Spec.Cond.Labels != 5 || len(m.Spec.Cond.Names) != 5 || m.Spec.Cond.Names[4] != "rock" {
		t.Fatalf("the trained model's conditioning is %+v", m.Spec.Cond)
	}
}

// TestTrainTransformerPreset makes a fresh transformer from a size preset
// over a trained first stage, class-conditioned on the data's folders or
// unconditional.
func TestTrainTransformerPreset(t *testing.T) {
	dir := t.TempDir()
	copyShapes(t, writeShapes(t, 2), dir, "0")
	copyShapes(t, writeShapes(t, 2), dir, "1")
	copyShapes(t, writeShapes(t, 2), dir, "2")
	for _, cond := range []string{ConditionClass, ConditionNone} {
		out := t.TempDir()
		runSteps(t, Options{Kind: KindTransformer, Data: dir, GPTPreset: "tiny", Condition: cond, FirstStage: reftest.Path("vqgan"),
			Out: out, Size: 16, Batch: 2, Steps: 2})
		m, err := model.Open(out, "")
		if err != nil {
			t.Fatal(err)
		}
		if cond == ConditionClass && (m.Spec.Cond.Kind != model.CondClass || m.Spec.Cond.Classes != 3) {
			t.Errorf("class preset: conditioning %+v", m.Spec.Cond)
		}
		if cond == ConditionNone && m.Spec.Cond.Kind != model.CondNone {
			t.Errorf("unconditional preset: conditioning %+v", m.Spec.Cond)
		}
		if got := m.Transformer.Config; got.NLayer != 4 || got.BlockSize != 16 {
			t.Errorf("%s: transformer %+v, want 4 layers and a block of 4x4 tokens", cond, got)
		}
	}
}
