package pipeline

import (
	"context"
	"image"
	"testing"

	"tessera/engine/data/landscape"
	"tessera/engine/model"
	"tessera/engine/sample"
)

// heldOutSeed is a landscape seed the recipe never trains on
// (scripts/train-default-model keeps 987654000 up for measuring).
const heldOutSeed = 987654321

// The built-in model set as a user's binary holds it: each model opens from
// the embedded bytes, the painter's model samples from a generated label map
// and the scenes model from a scene name, both decoding to images of the
// size asked for, and the classifier labels a held-out landscape.
func TestBuiltinModelsOpenAndSample(t *testing.T) {
	for _, name := range []string{model.DefaultModel, model.DefaultScenes, model.DefaultClassifier} {
		if !model.HasBuiltin(name) {
			t.Fatalf("this build has no %s: scripts/train-default-model writes assets/models", name)
		}
	}
	const w, h = 128, 64
	img, labels, err := landscape.Generate(heldOutSeed, w, h, landscape.Random)
	if err != nil {
		t.Fatal(err)
	}

	paint := openBuiltin(t, model.DefaultModel)
	lm := &LabelMap{W: w, H: h, Labels: make([]int, len(labels))}
	for i, l := range labels {
		lm.Labels[i] = int(l)
	}
	checkSample(t, paint, Condition{Labels: lm}, w, h)

	scenes := openBuiltin(t, model.DefaultScenes)
	if got := scenes.Spec.Cond.Names; len(got) != len(landscape.Scenes) || got[0] != landscape.Scenes[0] {
		t.Errorf("scene names %v, want %v", got, landscape.Scenes)
	}
	coast := int(landscape.Coast)
	g := scenes.FirstStage.Config.Factor()
	checkSample(t, scenes, Condition{Class: &coast}, 16*g, 16*g)

	cls := openBuiltin(t, model.DefaultClassifier)
	got, err := cls.Classifier.Classify(img)
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for i := range got {
		if got[i] == labels[i] {
			same++
		}
	}
	// A floor far below the measured accuracy (README): a classifier
	// loaded with the wrong weights or label order scores near chance.
	if acc := float64(same) / float64(len(got)); acc < 0.6 {
		t.Errorf("the classifier agrees with the generator on %.0f%% of a held-out landscape's pixels", 100*acc)
	}
}

func openBuiltin(t *testing.T, name string) *model.Model {
	t.Helper()
	m, err := model.Open(name, "")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// checkSample samples one grid and checks its image: the size asked for,
// and not one flat colour.
func checkSample(t *testing.T, m *model.Model, c Condition, w, h int) {
	t.Helper()
	f := m.FirstStage.Config.Factor()
	req := SampleRequest{Cond: c, W: w / f, H: h / f, Options: sample.Options{Seed: 7, Filter: sample.Filter{TopK: 50}}}
	res, err := Sample(context.Background(), m, req, nil)
	if err != nil {
		t.Fatalf("%s: %v", m.WeightsPath, err)
	}
	if len(res) != 1 || res[0].Image.Bounds() != image.Rect(0, 0, w, h) {
		t.Fatalf("%s: %d results, image %v, want one %dx%d", m.WeightsPath, len(res), res[0].Image.Bounds(), w, h)
	}
	lo, hi := 255, 0
	for _, p := range res[0].Image.Pix {
		lo, hi = min(lo, int(p)), max(hi, int(p))
	}
	if hi-lo < 32 {
		t.Errorf("%s: the sample's pixels span only %d..%d", m.WeightsPath, lo, hi)
	}
}
