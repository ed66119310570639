package train

import (
	"context"
	"fmt"
	"os"
	"time"

	"tessera/engine/data"
	"tessera/engine/gpt"
	"tessera/engine/model"
	"tessera/engine/vqgan"
)

// Preset is a built-in first-stage size for a VQGAN trained from scratch,
// chosen for CPUs: --preset NAME instead of a config file.
type Preset struct {
	Name, Summary string
	FirstStage    vqgan.Config
	Loss          VQGANLoss
	BaseLR        float64
}

func presetStage(ch int, mult []int, blocks int, attn []int, res, z, codes int) vqgan.Config {
	return vqgan.Config{
		DD: vqgan.DDConfig{Ch: ch, OutCh: 3, ChMult: mult, NumResBlocks: blocks, AttnResolutions: attn,
			InChannels: 3, Resolution: res, ZChannels: z},
		NEmbed: codes, EmbedDim: z, Quantizer: vqgan.VectorQuantizer, Beta: 0.25,
	}
}

func presetLoss(layers, ndf, start int) VQGANLoss {
	l := DefaultVQGANLoss()
	l.DiscLayers, l.DiscNDF, l.DiscStart, l.PerceptualWeight = layers, ndf, start, 0
	return l
}

// Presets are the built-in sizes, smallest first. They train without LPIPS
// (its VGG weights do not ship with Tessera; --lpips adds them) and start
// the discriminator once the reconstructions have settled.
var Presets = []Preset{
	{Name: "tiny", Summary: "f4, 64 codes, 32x32 crops: minutes on a laptop, for trying things out",
		FirstStage: presetStage(32, []int{1, 1, 2}, 1, nil, 32, 16, 64), Loss: presetLoss(2, 16, 2000), BaseLR: 1e-4},
	{Name: "small", Summary: "f8, 512 codes, 64x64 crops: a useful model in a few hours on a laptop",
		FirstStage: presetStage(64, []int{1, 1, 2, 2}, 1, []int{8}, 64, 64, 512), Loss: presetLoss(3, 32, 10000), BaseLR: 4.5e-5},
	{Name: "base", Summary: "f16, 1024 codes, 128x128 crops: taming's architecture at half width, days on a CPU",
		FirstStage: presetStage(64, []int{1, 1, 2, 2, 4}, 2, []int{8}, 128, 128, 1024), Loss: presetLoss(3, 64, 30000), BaseLR: 4.5e-6},
}

// PresetByName finds a preset.
func PresetByName(name string) (Preset, error) {
	for _, p := range Presets {
		if p.Name == name {
			return p, nil
		}
	}
	names := make([]string, len(Presets))
	for i, p := range Presets {
		names[i] = p.Name
	}
	return Preset{}, fmt.Errorf("train: no preset %q (there are %v)", name, names)
}

func presetOrigin(name string) (*origin, error) {
	p, err := PresetByName(name)
	if err != nil {
		return nil, err
	}
	recipe := &Recipe{BaseLearningRate: p.BaseLR, LossTarget: targetVQLPIPS, VQGAN: p.Loss, CodebookWeight: 1, PKeep: 1}
	return &origin{spec: &model.Spec{Kind: model.KindVQGAN, FirstStage: p.FirstStage}, recipe: recipe, name: "preset " + name}, nil
}

// Timing is what a few timed steps of a run's setup tell.
type Timing struct {
	PerStep    time.Duration
	Parameters int64 // trained parameters
}

// Measure times steps optimisation steps of the run opt describes, after
// one untimed step, in a scratch folder that is removed afterwards: what
// the studio shows as the time per 1000 steps on this machine.
func Measure(ctx context.Context, opt Options, steps int) (Timing, error) {
	dir, err := os.MkdirTemp("", "tessera-measure-")
	if err != nil {
		return Timing{}, fmt.Errorf("train: %w", err)
	}
	defer os.RemoveAll(dir)
	opt.Out, opt.Log, opt.Resume = dir, "", ""
	opt.Steps = steps + 1
	opt.SaveEvery, opt.ImageEvery = opt.Steps+1, opt.Steps+1
	r, err := prepare(opt)
	if err != nil {
		return Timing{}, err
	}
	defer r.close()
	var t Timing
	for name := range r.st.optimizers() {
		for _, g := range r.st.trainedGroups(name) {
			t.Parameters += g.Count()
		}
	}
	var start time.Time
	for step := 0; step < opt.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return Timing{}, err
		}
		if step == 1 {
			start = time.Now()
		}
		batch, err := r.load(step)
		if err != nil {
			return Timing{}, err
		}
		if _, err := r.st.micro(batch, step, 1, true); err != nil {
			return Timing{}, err
		}
	}
	t.PerStep = time.Since(start) / time.Duration(steps)
	return t, nil
}

// GPTPreset is a built-in transformer size, for a fresh transformer over a
// trained first stage: --gpt-preset NAME with --first-stage MODEL and
// --condition.
type GPTPreset struct {
	Name, Summary        string
	Layers, Heads, Width int
}

// GPTPresets are the built-in transformer sizes, smallest first.
var GPTPresets = []GPTPreset{
	{Name: "tiny", Summary: "4 layers, 128 wide", Layers: 4, Heads: 4, Width: 128},
	{Name: "small", Summary: "8 layers, 256 wide", Layers: 8, Heads: 8, Width: 256},
	{Name: "base", Summary: "12 layers, 512 wide (taming's smallest)", Layers: 12, Heads: 8, Width: 512},
}

// Conditions of a transformer made from a preset.
const (
	ConditionNone         = "none"
	ConditionClass        = "class"
	ConditionSegmentation = "segmentation"
)

// presetTransformerOrigin describes a fresh Net2NetTransformer from a GPT
// preset over --first-stage (and --cond-stage), conditioned as
// --condition says, its window the crop's token grid.
func presetTransformerOrigin(opt Options) (*origin, error) {
	var p GPTPreset
	for _, q := range GPTPresets {
		if q.Name == opt.GPTPreset {
			p = q
		}
	}
	if p.Name == "" {
		return nil, fmt.Errorf("train: no transformer preset %q (tiny, small or base)", opt.GPTPreset)
	}
	first, err := stageConfig(opt.FirstStage, false)
	if err != nil {
		return nil, err
	}
	size := opt.Size
	if size == 0 {
		size = first.DD.Resolution
	}
	f := first.Factor()
	if size%f != 0 || size < f {
		return nil, fmt.Errorf("train: a crop of %d pixels does not fit the first stage's factor %d", size, f)
	}
	e := size / f
	tc := gptConfigOf(p, first.NEmbed, e*e)
	spec := &model.Spec{Kind: model.KindNet2Net, FirstStage: first, Transformer: &tc}
	switch opt.Condition {
	case ConditionNone, "":
		spec.Cond = &model.CondSpec{Kind: model.CondNone}
	case ConditionClass:
		set, err := data.Scan(opt.Data, data.ScanOptions{Classes: true})
		if err != nil {
			return nil, err
		}
		n := set.NumClasses()
		spec.Cond = &model.CondSpec{Kind: model.CondClass, Key: "class_label", Classes: n, Names: set.ClassNames}
		tc.VocabSize = max(tc.VocabSize, n)
	case ConditionSegmentation:
		cs, err := stageConfig(opt.CondStage, true)
		if err != nil {
			return nil, err
		}
		if cs.Factor() != f {
			return nil, fmt.Errorf("train: the cond stage's factor %d differs from the first stage's %d", cs.Factor(), f)
		}
		spec.CondStage = &cs
		spec.Cond = &model.CondSpec{Kind: model.CondSpatial, Key: "segmentation", Labels: cs.DD.InChannels}
		tc.BlockSize = 2*e*e - 1
		tc.VocabSize = max(tc.VocabSize, cs.NEmbed)
	default:
		return nil, fmt.Errorf("train: --condition %q: none, class or segmentation", opt.Condition)
	}
	spec.Transformer = &tc
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	recipe := &Recipe{BaseLearningRate: 4.5e-6, CodebookWeight: 1, PKeep: 1, VQGAN: DefaultVQGANLoss()}
	return &origin{spec: spec, recipe: recipe, name: "transformer preset " + p.Name}, nil
}

func gptConfigOf(p GPTPreset, vocab, block int) gpt.Config {
	return gpt.Config{VocabSize: vocab, BlockSize: block, NLayer: p.Layers, NHead: p.Heads, NEmbd: p.Width}
}

// stageConfig reads the first stage (or, for cond, the cond stage) that a
// model holds.
func stageConfig(path string, cond bool) (vqgan.Config, error) {
	part := "--first-stage"
	if cond {
		part = "--cond-stage"
	}
	if path == "" {
		return vqgan.Config{}, fmt.Errorf("train: a transformer from a preset needs %s MODEL", part)
	}
	ck, err := model.OpenCheckpoint(path, "")
	if err != nil {
		return vqgan.Config{}, err
	}
	defer ck.Close()
	if cond && ck.Spec.Kind == model.KindNet2Net {
		if ck.Spec.CondStage == nil {
			return vqgan.Config{}, fmt.Errorf("train: %s has no cond stage", path)
		}
		return *ck.Spec.CondStage, nil
	}
	return ck.Spec.FirstStage, nil
}
