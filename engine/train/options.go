package train

import (
	"fmt"
	"path/filepath"
)

// Kinds of training run.
const (
	KindVQGAN       = "vqgan"       // a first stage: taming's VQModel objective
	KindCond        = "cond"        // a segmentation cond stage: VQSegmentationModel
	KindTransformer = "transformer" // a Net2NetTransformer's GPT over frozen stages
	KindClassifier  = "classifier"  // Tessera's pixel classifier (engine/classify)
)

// Options are a run's settings, the flags of `tessera train`. Zero values
// mean the default the flag documents.
type Options struct {
	Kind string `json:"kind"`

	Data   string `json:"data"`
	Labels string `json:"labels,omitempty"` // label maps for a segmentation transformer or a classifier

	Init      string `json:"init,omitempty"`       // a model to start from (its step is not continued)
	Config    string `json:"config,omitempty"`     // a taming YAML for a fresh model
	Preset    string `json:"preset,omitempty"`     // a built-in size for a fresh VQGAN (see Presets)
	GPTPreset string `json:"gpt_preset,omitempty"` // a built-in size for a fresh transformer (see GPTPresets)
	Condition string `json:"condition,omitempty"`  // that transformer's conditioning: none, class or segmentation
	// LabelNames name a segmentation transformer's labels by id, for the
	// studio's painter and inspect.
	LabelNames []string `json:"label_names,omitempty"`
	FirstStage string   `json:"first_stage,omitempty"` // a transformer's frozen first stage
	CondStage  string   `json:"cond_stage,omitempty"`  // a transformer's frozen cond stage
	LPIPS      string   `json:"lpips,omitempty"`       // where LPIPS's weights come from, if not --init

	Out    string `json:"out"`
	Resume string `json:"-"` // a run's --out to continue

	Batch      int     `json:"batch"`
	Steps      int     `json:"steps"`
	LR         float64 `json:"lr,omitempty"` // 0: base_learning_rate x batch x accumulate
	Size       int     `json:"size,omitempty"`
	NoShuffle  bool    `json:"no_shuffle,omitempty"`
	NoAugment  bool    `json:"no_augment,omitempty"`
	Seed       int64   `json:"seed"`
	Accumulate int     `json:"accumulate,omitempty"`
	EMA        float64 `json:"ema,omitempty"`
	ClipGrad   float64 `json:"clip_grad,omitempty"`

	PerceptualWeight *float64 `json:"perceptual_weight,omitempty"`
	DiscStart        *int     `json:"disc_start,omitempty"`
	LPIPSDropout     bool     `json:"lpips_dropout,omitempty"` // taming's train-mode quirk
	RestartDead      int      `json:"restart_dead,omitempty"`
	PKeep            *float64 `json:"pkeep,omitempty"`

	Log        string `json:"-"`
	SaveEvery  int    `json:"-"`
	ImageEvery int    `json:"-"`
}

// Defaults of the flags.
const (
	DefaultBatch      = 4
	DefaultSaveEvery  = 500
	DefaultImageEvery = 500
)

func (o *Options) fillDefaults() {
	if o.Batch == 0 {
		o.Batch = DefaultBatch
	}
	if o.Accumulate == 0 {
		o.Accumulate = 1
	}
	if o.SaveEvery == 0 {
		o.SaveEvery = DefaultSaveEvery
	}
	if o.ImageEvery == 0 {
		o.ImageEvery = DefaultImageEvery
	}
	if o.Log == "" && o.Out != "" {
		o.Log = filepath.Join(o.Out, "log.jsonl")
	}
}

func countSet(values ...string) int {
	n := 0
	for _, v := range values {
		if v != "" {
			n++
		}
	}
	return n
}

func (o *Options) validate() error {
	switch o.Kind {
	case KindVQGAN, KindCond, KindTransformer, KindClassifier:
	default:
		return fmt.Errorf("train: unknown kind %q (vqgan, cond, transformer or classifier)", o.Kind)
	}
	switch {
	case o.Data == "":
		return fmt.Errorf("train: --data is required")
	case o.Out == "":
		return fmt.Errorf("train: --out is required")
	case countSet(o.Init, o.Config, o.Preset, o.GPTPreset) > 1:
		return fmt.Errorf("train: give one of --init, --config, --preset and --gpt-preset")
	case countSet(o.Init, o.Config, o.Preset, o.GPTPreset) == 0:
		return fmt.Errorf("train: give --init MODEL or --config FILE.yaml (or --preset NAME for a fresh VQGAN, --gpt-preset NAME for a fresh transformer)")
	case o.Preset != "" && o.Kind != KindVQGAN:
		return fmt.Errorf("train: --preset is for train vqgan; a %s needs --init or --config", o.Kind)
	case o.GPTPreset != "" && o.Kind != KindTransformer:
		return fmt.Errorf("train: --gpt-preset is for train transformer")
	case o.Kind == KindTransformer && (o.Config != "" || o.GPTPreset != "") && o.FirstStage == "":
		return fmt.Errorf("train: a fresh transformer needs --first-stage MODEL")
	case o.Batch < 1 || o.Steps < 1 || o.Accumulate < 1:
		return fmt.Errorf("train: --batch, --steps and --accumulate must be positive (got %d, %d, %d)", o.Batch, o.Steps, o.Accumulate)
	case o.Size < 0 || o.LR < 0 || o.ClipGrad < 0 || o.RestartDead < 0 || o.SaveEvery < 1 || o.ImageEvery < 1:
		return fmt.Errorf("train: --size, --lr, --clip-grad and --restart-dead cannot be negative, --save-every and --image-every must be positive")
	case o.EMA < 0 || o.EMA >= 1:
		return fmt.Errorf("train: --ema %g must be in [0, 1) (0.999 is usual)", o.EMA)
	case o.PKeep != nil && (*o.PKeep <= 0 || *o.PKeep > 1):
		return fmt.Errorf("train: --pkeep %g must be in (0, 1]", *o.PKeep)
	case o.PerceptualWeight != nil && *o.PerceptualWeight < 0:
		return fmt.Errorf("train: --perceptual-weight %g is negative", *o.PerceptualWeight)
	}
	return nil
}
