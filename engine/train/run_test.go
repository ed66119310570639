package train

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tessera/engine/ckpt"
	"tessera/engine/model"
)

// tinyVQGAN is a first stage small enough to train in a test.
const tinyVQGAN = `model:
  base_learning_rate: 2.5e-4
  target: taming.models.vqgan.VQModel
  params:
    embed_dim: 8
    n_embed: 32
    ddconfig:
      double_z: False
      z_channels: 8
      resolution: 16
      in_channels: 3
      out_ch: 3
      ch: 32
      ch_mult: [1, 1]
      num_res_blocks: 1
      attn_resolutions: []
      dropout: 0.0
    lossconfig:
      target: taming.modules.losses.vqperceptual.VQLPIPSWithDiscriminator
      params:
        disc_start: 1000
        disc_num_layers: 1
        disc_ndf: 8
        perceptual_weight: 0.0
`

// writeShapes writes n 16x16 PNGs of soft colour blobs on gradients, each
// from its own seed, and returns their folder.
func writeShapes(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := 0; i < n; i++ {
		r := rand.New(rand.NewSource(int64(i)))
		img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
		bg := [3]float64{r.Float64(), r.Float64(), r.Float64()}
		fg := [3]float64{r.Float64(), r.Float64(), r.Float64()}
		cx, cy, rad := 4+r.Float64()*8, 4+r.Float64()*8, 2+r.Float64()*4
		for y := 0; y < 16; y++ {
			for x := 0; x < 16; x++ {
				w := 1 / (1 + math.Exp((math.Hypot(float64(x)-cx, float64(y)-cy)-rad)*2))
				var c [3]uint8
				for k := range c {
					v := bg[k]*(0.6+0.4*float64(y)/15)*(1-w) + fg[k]*w
					c[k] = uint8(255 * v)
				}
				img.Set(x, y, color.NRGBA{c[0], c[1], c[2], 255})
			}
		}
		f, err := os.Create(filepath.Join(dir, "img"+string(rune('a'+i%26))+string(rune('a'+i/26))+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return dir
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "model.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runSteps(t *testing.T, opt Options) []Progress {
	t.Helper()
	var seen []Progress
	if _, err := Run(context.Background(), opt, func(p Progress) { seen = append(seen, p) }); err != nil {
		t.Fatal(err)
	}
	return seen
}

// TestVQGANLearns: a short run on generated images lowers the
// reconstruction loss and uses more of the codebook.
func TestVQGANLearns(t *testing.T) {
	opt := Options{Kind: KindVQGAN, Data: writeShapes(t, 16), Config: writeConfig(t, tinyVQGAN), Out: t.TempDir(), Steps: 80, LR: 2e-3, Seed: 1}
	seen := runSteps(t, opt)
	var logs []map[string]float64
	for _, p := range seen {
		if p.Logs != nil {
			logs = append(logs, p.Logs)
		}
	}
	if len(logs) != opt.Steps {
		t.Fatalf("%d steps reported, want %d", len(logs), opt.Steps)
	}
	mean := func(part []map[string]float64, key string) float64 {
		var s float64
		for _, l := range part {
			s += l[key]
		}
		return s / float64(len(part))
	}
	early, late := logs[:10], logs[len(logs)-10:]
	if a, b := mean(early, "rec_loss"), mean(late, "rec_loss"); !(b < 0.8*a) {
		t.Errorf("rec_loss went from %.4f to %.4f; want it well down", a, b)
	}
	if a, b := logs[0]["codebook_usage"], logs[len(logs)-1]["codebook_usage"]; !(b > a) {
		t.Errorf("codebook usage went from %.3f to %.3f; want it up", a, b)
	}
	t.Logf("rec_loss %.4f -> %.4f, usage %.3f -> %.3f, perplexity %.2f -> %.2f", mean(early, "rec_loss"), mean(late, "rec_loss"),
		logs[0]["codebook_usage"], logs[len(logs)-1]["codebook_usage"], logs[0]["perplexity"], logs[len(logs)-1]["perplexity"])
	if _, err := model.Open(filepath.Join(opt.Out, ModelFile), ""); err != nil {
		t.Fatalf("the trained model does not open: %v", err)
	}
}

// TestResumeIsExact: N steps, then N more resumed, give the same file
// contents, bit for bit, as 2N steps in one run.
func TestResumeIsExact(t *testing.T) {
	base := Options{Kind: KindVQGAN, Data: writeShapes(t, 6), Config: writeConfig(t, tinyVQGAN), Batch: 2, LR: 1e-3, Seed: 3, EMA: 0.9}
	dsStart := 2
	base.DiscStart = &dsStart // both optimizers and the discriminator's statistics are in play
	whole := base
	whole.Out, whole.Steps = t.TempDir(), 6
	runSteps(t, whole)

	half := base
	half.Out, half.Steps = t.TempDir(), 3
	runSteps(t, half)
	runSteps(t, Options{Resume: half.Out, Steps: 6})

	a := readTensors(t, filepath.Join(whole.Out, ModelFile))
	b := readTensors(t, filepath.Join(half.Out, ModelFile))
	if len(a) != len(b) {
		t.Fatalf("%d tensors in one run, %d after resuming", len(a), len(b))
	}
	for key, va := range a {
		vb, ok := b[key]
		if !ok {
			t.Fatalf("%s missing after resuming", key)
		}
		if !slices.Equal(va, vb) {
			t.Errorf("%s differs after resuming", key)
		}
	}
}

// readTensors reads every tensor of a file as raw float bits.
func readTensors(t *testing.T, path string) map[string][]uint64 {
	t.Helper()
	f, err := ckpt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]uint64{}
	for key, tn := range f.Tensors {
		if tn.DType == ckpt.I64 {
			v, err := tn.Int64()
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range v {
				out[key] = append(out[key], uint64(x))
			}
			continue
		}
		v, err := tn.Float32()
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range v {
			out[key] = append(out[key], uint64(math.Float32bits(x)))
		}
	}
	return out
}

// TestInterruptSavesAndResumes: cancelling a run saves a checkpoint that
// --resume continues.
func TestInterruptSavesAndResumes(t *testing.T) {
	opt := Options{Kind: KindVQGAN, Data: writeShapes(t, 4), Config: writeConfig(t, tinyVQGAN), Out: t.TempDir(), Batch: 2, Steps: 50, Seed: 4}
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Run(ctx, opt, func(p Progress) {
		if p.Step == 3 {
			cancel()
		}
	})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("cancelled run returned %v, want ErrInterrupted", err)
	}
	f, err := ckpt.Open(filepath.Join(opt.Out, ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Metadata[metaStep]; got != "3" {
		t.Errorf("saved at step %s, want 3", got)
	}
	f.Close()
	seen := runSteps(t, Options{Resume: opt.Out, Steps: 5})
	if last := seen[len(seen)-1]; last.Step != 5 {
		t.Errorf("resumed run ended at step %d, want 5", last.Step)
	}
}

// TestPresetMeasure times two steps of a preset, as the studio's Train view
// does before a run.
func TestPresetMeasure(t *testing.T) {
	tm, err := Measure(context.Background(), Options{Kind: KindVQGAN, Preset: "tiny", Data: writeShapes(t, 4), Batch: 2}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if tm.PerStep <= 0 || tm.Parameters < 100_000 {
		t.Fatalf("timing %+v", tm)
	}
	if _, err := Measure(context.Background(), Options{Kind: KindVQGAN, Preset: "huge", Data: t.TempDir()}, 1); err == nil || !strings.Contains(err.Error(), "tiny") {
		t.Fatalf("an unknown preset gave %v, want the list of presets", err)
	}
}
