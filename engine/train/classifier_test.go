package train

import (
	"context"
	"image"
	"image/color"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/imgio"
	"tessera/engine/model"
	"tessera/engine/nn"
)

// tinyClassifier is a pixel classifier small enough to train in a test.
const tinyClassifier = `model:
  base_learning_rate: 5.0e-4
  target: tessera.models.PixelClassifier
  params:
    label_names: [ground, red, green]
    ddconfig:
      double_z: false
      z_channels: 16
      resolution: 16
      in_channels: 3
      out_ch: 3
      ch: 32
      ch_mult: [1, 2]
      num_res_blocks: 1
      attn_resolutions: []
`

// writeLabelledShapes writes n 16x16 pairs: a noisy grey gradient (label 0)
// with a red (1) or a green (2) disc of its own seed, and the label maps at
// the same names in a second folder.
func writeLabelledShapes(t *testing.T, n int) (images, labels string) {
	t.Helper()
	images, labels = t.TempDir(), t.TempDir()
	for i := range n {
		r := rand.New(rand.NewSource(int64(100 + i)))
		img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
		lab := image.NewGray(img.Rect)
		label := uint8(1 + r.Intn(2))
		cx, cy, rad := 4+r.Float64()*8, 4+r.Float64()*8, 2+r.Float64()*3
		for y := range 16 {
			for x := range 16 {
				v := 60 + 8*y + r.Intn(40)
				c := color.NRGBA{uint8(v), uint8(v), uint8(v), 255}
				if math.Hypot(float64(x)-cx, float64(y)-cy) < rad {
					lab.Pix[y*16+x] = label
					c.R, c.G = uint8(v/3), uint8(v/3)
					if label == 1 {
						c.R = 200
					} else {
						c.G = 200
					}
				}
				img.SetNRGBA(x, y, c)
			}
		}
		name := "pair-" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ".png"
		if err := imgio.SavePNG(filepath.Join(images, name), img, nil); err != nil {
			t.Fatal(err)
		}
		if err := imgio.SavePNG(filepath.Join(labels, name), lab, nil); err != nil {
			t.Fatal(err)
		}
	}
	return images, labels
}

// TestClassifierLearns: a short run lowers the loss, raises the pixel
// accuracy and saves a classifier that model.Open builds for inference,
// whose kernels agree with the training graph.
func TestClassifierLearns(t *testing.T) {
	images, labels := writeLabelledShapes(t, 12)
	out := t.TempDir()
	opt := Options{Kind: KindClassifier, Data: images, Labels: labels, Config: writeConfig(t, tinyClassifier),
		Out: out, Steps: 40, LR: 3e-3, Seed: 2, ImageEvery: 20}
	seen := runSteps(t, opt)
	var logs []map[string]float64
	for _, p := range seen {
		if p.Logs != nil {
			logs = append(logs, p.Logs)
		}
	}
	if len(logs) != 40 {
		t.Fatalf("%d steps logged, want 40", len(logs))
	}
	mean := func(name string, from, to int) float64 {
		var s float64
		for _, l := range logs[from:to] {
			s += l[name]
		}
		return s / float64(to-from)
	}
	loss0, loss1 := mean("loss", 0, 5), mean("loss", 35, 40)
	acc0, acc1 := mean("accuracy", 0, 5), mean("accuracy", 35, 40)
	t.Logf("loss %.3f -> %.3f, accuracy %.3f -> %.3f", loss0, loss1, acc0, acc1)
	if loss1 > 0.5*loss0 {
		t.Errorf("the loss went from %.3f to %.3f: not learning", loss0, loss1)
	}
	if acc1 < 0.9 || acc1 < acc0+0.05 {
		t.Errorf("the accuracy went from %.3f to %.3f: not learning", acc0, acc1)
	}
	if _, err := os.Stat(filepath.Join(out, "images", "step-000040.png")); err != nil {
		t.Errorf("no progress picture: %v", err)
	}

	// The saved model, built by model.Open, runs on the inference kernels;
	// on the same batch they give the training graph's logits.
	m, err := model.Open(filepath.Join(out, ModelFile), "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Classifier == nil || m.FirstStage != nil || strings.Join(m.Classifier.Names, ",") != "ground,red,green" {
		t.Fatalf("opened as %+v", m)
	}
	ck, err := model.OpenCheckpoint(filepath.Join(out, ModelFile), "")
	if err != nil {
		t.Fatal(err)
	}
	defer ck.Close()
	obj, err := newClassifierObjective(ck.Spec.FirstStage, NewParams(ck.Weights), 2, 16)
	if err != nil {
		t.Fatal(err)
	}
	batch := make([][]float32, 2)
	var truth []uint8
	for i := range batch {
		img, _, err := imgio.Load(filepath.Join(images, "pair-"+string(rune('a'+i))+"a.png"), 1)
		if err != nil {
			t.Fatal(err)
		}
		batch[i] = nn.Data(imgio.ToTensor(img))
		lab, _, _, err := imgio.LoadLabels(filepath.Join(labels, "pair-"+string(rune('a'+i))+"a.png"))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lab {
			truth = append(truth, uint8(l))
		}
	}
	x := stack(batch, 3, 16)
	if _, err := obj.step(x.Clone().(*tensor.Dense), truth, 1); err != nil {
		t.Fatal(err)
	}
	got, err := m.Classifier.Logits(x)
	if err != nil {
		t.Fatal(err)
	}
	want := obj.logits.Data()
	var scale, worst float64
	for i, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
		worst = math.Max(worst, math.Abs(float64(v-nn.Data(got)[i])))
	}
	if worst > 1e-4*scale {
		t.Errorf("inference logits differ from the training graph's by %.3g (largest logit %.3g)", worst, scale)
	}
}

func TestClassifierNeedsItsInputs(t *testing.T) {
	images, labels := writeLabelledShapes(t, 2)
	cfg := writeConfig(t, tinyClassifier)
	for _, c := range []struct {
		name string
		opt  Options
		want string
	}{
		{"no labels", Options{Kind: KindClassifier, Data: images, Config: cfg, Steps: 1}, "--labels"},
		{"a VQGAN config", Options{Kind: KindClassifier, Data: images, Labels: labels, Config: writeConfig(t, tinyVQGAN), Steps: 1}, "not a pixel classifier"},
		{"a classifier as a VQGAN", Options{Kind: KindVQGAN, Data: images, Config: cfg, Steps: 1}, "train classifier"},
		{"a crop off the factor", Options{Kind: KindClassifier, Data: images, Labels: labels, Config: cfg, Steps: 1, Size: 9}, "factor 2"},
	} {
		c.opt.Out = t.TempDir()
		_, err := Run(context.Background(), c.opt, func(Progress) {})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}
