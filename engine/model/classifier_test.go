package model

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tessera/engine/ckpt"
	"tessera/engine/classify"
	"tessera/engine/weights"
)

const classifierYAML = `model:
  base_learning_rate: 1.0e-4
  target: tessera.models.PixelClassifier
  params:
    label_names: [sky, sea, sand]
    ddconfig:
      in_channels: 3
      out_ch: 3
      ch: 32
      ch_mult: [1, 2]
      num_res_blocks: 1
      attn_resolutions: []
      resolution: 16
      z_channels: 8
      double_z: false
`

// A classifier described by its YAML, saved as a Tessera file and opened
// again labels images with the same weights, and its card says what it is.
func TestClassifierRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "classifier.yaml")
	if err := os.WriteFile(cfg, []byte(classifierYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, err := ReadYAML(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if spec.Kind != KindClassifier || spec.FirstStage.DD.OutCh != 3 || strings.Join(spec.LabelNames, ",") != "sky,sea,sand" {
		t.Fatalf("spec %+v", spec)
	}
	rec := &recorder{Source: weights.Random{Seed: 5}, got: map[string]*ckpt.Data{}}
	want, err := classify.Load(rec, "", spec.FirstStage.DD, spec.LabelNames)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "classifier.safetensors")
	if err := Save(path, spec, rec.got); err != nil {
		t.Fatal(err)
	}
	m, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Classifier == nil || m.FirstStage != nil || m.Transformer != nil {
		t.Fatalf("opened as %+v", m)
	}
	img := image.NewNRGBA(image.Rect(0, 0, 10, 7))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 37)
	}
	a, err := m.Classifier.Classify(img)
	if err != nil {
		t.Fatal(err)
	}
	b, err := want.Classify(img)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 70 || string(a) != string(b) {
		t.Errorf("the reopened classifier labels %v, the original %v", a, b)
	}

	card, err := m.Card()
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, r := range card.Rows() {
		text = append(text, r.Key+": "+r.Value)
	}
	all := strings.Join(text, "\n")
	for _, s := range []string{"kind: classifier", "labels: 3: sky, sea, sand", "multiples of 2", "encoder", "decoder", "sha256: "} {
		if !strings.Contains(all, s) {
			t.Errorf("the card lacks %q:\n%s", s, all)
		}
	}
	if strings.Contains(all, "codebook") {
		t.Errorf("a classifier's card mentions a codebook:\n%s", all)
	}
	if err := Export(m, t.TempDir(), ExportOptions{}); err == nil || !strings.Contains(err.Error(), "pixel classifier") {
		t.Errorf("exporting a classifier to taming: %v", err)
	}
}

func TestClassifierSpecIsChecked(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "classifier.yaml")
	bad := strings.Replace(classifierYAML, "[sky, sea, sand]", "[sky, sea]", 1)
	if err := os.WriteFile(cfg, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadYAML(cfg); err == nil || !strings.Contains(err.Error(), "2 label names") {
		t.Errorf("two names for three labels: %v", err)
	}
}
