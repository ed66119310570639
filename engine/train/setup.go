package train

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"tessera/engine/ckpt"
	"tessera/engine/data"
	"tessera/engine/model"
	"tessera/engine/train/optim"
	"tessera/engine/vqgan"
	"tessera/engine/weights"
)

// origin is where a run's model comes from: a checkpoint (--init, or the
// run itself on --resume) or a config for a fresh model.
type origin struct {
	spec    *model.Spec
	weights weights.Source // nil for a fresh model
	file    *ckpt.File     // the checkpoint, when there is one
	recipe  *Recipe
	name    string // for messages
	resumed bool   // the checkpoint is this run's own: continue its state
}

// prepare sets a run up: its options, data, networks, optimizers and, on
// --resume, the state it left.
func prepare(opt Options) (*session, error) {
	r := &session{}
	var o *origin
	var err error
	if opt.Resume != "" {
		if o, opt, err = resumeOrigin(opt); err != nil {
			return nil, err
		}
	} else {
		opt.fillDefaults()
		if err := opt.validate(); err != nil {
			return nil, err
		}
		if o, err = initOrigin(opt); err != nil {
			return nil, err
		}
	}
	if o.file != nil {
		r.closers = append(r.closers, o.file)
	}
	r.opt = opt
	if r.opt.EMA > 0 {
		r.ema = optim.NewEMA(r.opt.EMA)
	}
	switch opt.Kind {
	case KindVQGAN:
		err = r.setupVQGAN(o)
	case KindCond:
		err = r.setupCond(o)
	case KindTransformer:
		err = r.setupTransformer(o)
	case KindClassifier:
		err = r.setupClassifier(o)
	}
	if err != nil {
		r.close()
		return nil, err
	}
	if o.resumed {
		if err := r.restore(o.file); err != nil {
			r.close()
			return nil, err
		}
	}
	if err := r.openOutputs(); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

// initOrigin opens --init, or reads --config for a fresh model.
func initOrigin(opt Options) (*origin, error) {
	if opt.Preset != "" {
		return presetOrigin(opt.Preset)
	}
	if opt.GPTPreset != "" {
		return presetTransformerOrigin(opt)
	}
	if opt.Config != "" {
		spec, err := model.ReadYAML(opt.Config)
		if err != nil {
			return nil, err
		}
		recipe, err := ReadRecipe(opt.Config)
		if err != nil {
			return nil, err
		}
		return &origin{spec: spec, recipe: recipe, name: opt.Config}, nil
	}
	ck, err := model.OpenCheckpoint(opt.Init, "")
	if err != nil {
		return nil, err
	}
	recipe, err := recipeOf(ck)
	if err != nil {
		ck.Close()
		return nil, err
	}
	return &origin{spec: ck.Spec, weights: ck.Weights, file: ck.File, recipe: recipe, name: opt.Init}, nil
}

// recipeOf reads a checkpoint's training recipe from its YAML, or from a
// Tessera file's metadata.
func recipeOf(ck *model.Checkpoint) (*Recipe, error) {
	if len(ck.ConfigPaths) > 0 {
		return ReadRecipe(ck.ConfigPaths...)
	}
	raw, ok := ck.File.Metadata[metaTaming]
	if !ok {
		return &Recipe{BaseLearningRate: 4.5e-6, VQGAN: DefaultVQGANLoss(), CodebookWeight: 1, PKeep: 1}, nil
	}
	var extra tamingExtra
	if err := json.Unmarshal([]byte(raw), &extra); err != nil {
		return nil, fmt.Errorf("train: %s: bad %s metadata: %w", ck.File.Path, metaTaming, err)
	}
	return recipeFromTree(map[string]any{"model": map[string]any{
		"target": extra.Target, "base_learning_rate": extra.BaseLearningRate, "params": extra.Params,
	}}, ck.File.Path)
}

// resumeOrigin reopens a run's own checkpoint with the options it was
// started with; the steps, logging and saving flags given now still apply.
func resumeOrigin(now Options) (*origin, Options, error) {
	path := now.Resume
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, ModelFile)
	}
	ck, err := model.OpenCheckpoint(path, "")
	if err != nil {
		return nil, now, err
	}
	raw, ok := ck.File.Metadata[metaOptions]
	if !ok {
		ck.Close()
		return nil, now, fmt.Errorf("train: %s is not a Tessera training checkpoint (no %s metadata): use --init to start a new run from it", path, metaOptions)
	}
	var opt Options
	if err := json.Unmarshal([]byte(raw), &opt); err != nil {
		ck.Close()
		return nil, now, fmt.Errorf("train: %s: bad %s metadata: %w", path, metaOptions, err)
	}
	if now.Kind != "" && now.Kind != opt.Kind {
		ck.Close()
		return nil, now, fmt.Errorf("train: %s is a %s run, not %s", path, opt.Kind, now.Kind)
	}
	opt.Resume = now.Resume
	if now.Steps > 0 {
		opt.Steps = now.Steps
	}
	if now.Out != "" {
		opt.Out = now.Out
	} else {
		opt.Out = filepath.Dir(path)
	}
	opt.Log, opt.SaveEvery, opt.ImageEvery = now.Log, now.SaveEvery, now.ImageEvery
	opt.fillDefaults()
	if err := opt.validate(); err != nil {
		ck.Close()
		return nil, now, err
	}
	recipe, err := recipeOf(ck)
	if err != nil {
		ck.Close()
		return nil, now, err
	}
	return &origin{spec: ck.Spec, weights: ck.Weights, file: ck.File, recipe: recipe, name: path, resumed: true}, opt, nil
}

// restore puts back the state a run saved: its step, optimizers, weight
// average and codebook history.
func (r *session) restore(f *ckpt.File) error {
	done, err := strconv.Atoi(f.Metadata[metaStep])
	if err != nil {
		return fmt.Errorf("train: %s: no step count: not a Tessera training checkpoint", f.Path)
	}
	r.start = done
	for name, opt := range r.st.optimizers() {
		if err := restoreOptimizer(f, name, opt, r.st.trainedGroups(name)...); err != nil {
			return err
		}
	}
	if r.ema != nil {
		if err := restoreEMA(f, r.ema); err != nil {
			return err
		}
	}
	if h := r.st.health(); h != nil {
		if err := h.restore(f); err != nil {
			return err
		}
	}
	if r.start >= r.opt.Steps {
		return fmt.Errorf("train: %s has done %d steps already; give --steps above that to continue", f.Path, r.start)
	}
	return nil
}

// openOutputs makes --out and opens the log, appending on --resume.
func (r *session) openOutputs() error {
	if err := os.MkdirAll(r.opt.Out, 0o755); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if r.opt.Log == "" {
		return nil
	}
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if r.start > 0 {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(r.opt.Log, flags, 0o644)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	r.log = f
	return r.writeConfig()
}

// writeConfig records the run's effective settings in --out.
func (r *session) writeConfig() error {
	snapshot := map[string]any{"options": r.opt, "learning_rate": r.lr, "model": r.st.spec(), "taming": r.taming}
	raw, err := json.MarshalIndent(snapshot, "", "  ")
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	return os.WriteFile(filepath.Join(r.opt.Out, "config.json"), append(raw, '\n'), 0o644)
}

// learningRate is --lr, or taming's rule: base_learning_rate x batch x
// accumulation (x GPUs, one here).
func (r *session) learningRate(base float64) float64 {
	if r.opt.LR > 0 {
		return r.opt.LR
	}
	return base * float64(r.opt.Batch*r.opt.Accumulate)
}

// size is --size, or the config's training resolution, which must suit the
// network's downsampling.
func (r *session) size(cfg vqgan.Config) (int, error) {
	s := r.opt.Size
	if s == 0 {
		s = cfg.DD.Resolution
	}
	if f := cfg.Factor(); s%f != 0 {
		return 0, fmt.Errorf("train: a crop of %d pixels is not a multiple of the model's downsampling factor %d", s, f)
	}
	return s, nil
}

func (r *session) scan(opt data.ScanOptions, labels int, size int) error {
	set, err := data.Scan(r.opt.Data, opt)
	if err != nil {
		return err
	}
	r.set = set
	r.sampler = data.Sampler{N: len(set.Items), Batch: r.opt.Batch, Shuffle: !r.opt.NoShuffle, Seed: r.opt.Seed}
	r.crop = data.Crop{Size: size, Augment: !r.opt.NoAugment, Labels: labels}
	return nil
}

// firstStageOf is the VQ model an origin holds for a first-stage run: the
// model itself, or a Net2Net's cond stage (prefix cond_stage_model.) or
// first stage.
func firstStageOf(o *origin, cond bool) (vqgan.Config, weights.Source, error) {
	s := o.spec
	switch s.Kind {
	case model.KindVQGAN:
		return s.FirstStage, o.weights, nil
	case model.KindClassifier:
		return vqgan.Config{}, nil, fmt.Errorf("train: %s is a pixel classifier: train it with tessera train classifier", o.name)
	}
	if cond {
		if s.CondStage == nil || s.Cond.Kind != model.CondSpatial {
			return vqgan.Config{}, nil, fmt.Errorf("train: %s has no VQ cond stage to train", o.name)
		}
		return *s.CondStage, withPrefix(o.weights, "cond_stage_model."), nil
	}
	return s.FirstStage, withPrefix(o.weights, "first_stage_model."), nil
}

// newAdam returns a taming first-stage optimizer: Adam with betas 0.5, 0.9.
func newAdam(lr float64) *optim.Adam { return optim.NewAdam(lr, 0.5, 0.9) }

func (r *session) setupVQGAN(o *origin) error {
	cfg, src, err := firstStageOf(o, false)
	if err != nil {
		return err
	}
	if cfg.Quantizer != vqgan.VectorQuantizer {
		return fmt.Errorf("train: %s uses the %s quantizer; Tessera trains VectorQuantizer2 only", o.name, cfg.Quantizer)
	}
	loss := o.recipe.VQGAN
	if o.recipe.LossTarget == "" || o.recipe.LossTarget == targetDummyLoss {
		// Net2Net first stages and inference-only configs carry no
		// objective: fine-tune them with taming's.
		loss = DefaultVQGANLoss()
		r.notes = append(r.notes, fmt.Sprintf("%s has no VQGAN objective (lossconfig %q): training with VQLPIPSWithDiscriminator's defaults", o.name, o.recipe.LossTarget))
	} else if err := o.recipe.checkVQGANObjective(o.name); err != nil {
		return err
	}
	if r.opt.PerceptualWeight != nil {
		loss.PerceptualWeight = *r.opt.PerceptualWeight
	}
	if r.opt.DiscStart != nil {
		loss.DiscStart = *r.opt.DiscStart
	}
	size, err := r.size(cfg)
	if err != nil {
		return err
	}
	if err := r.scan(data.ScanOptions{}, 0, size); err != nil {
		return err
	}
	fresh := newFreshInit(r.opt.Seed)
	if src == nil {
		src = fresh
	}
	ae, disc, buffers := NewParams(src), NewParams(src), NewParams(src)
	disc.Fallback, buffers.Fallback = fresh, fresh
	var lp *LPIPS
	if loss.PerceptualWeight > 0 {
		if lp, err = r.lpips(o); err != nil {
			return err
		}
	}
	d := newDiscriminator(discConfig{Layers: loss.DiscLayers, NDF: loss.DiscNDF, InChannels: loss.DiscInChannels, ActNorm: loss.ActNorm}, disc, buffers)
	obj, err := newVQGANObjective(cfg, loss, ae, d, lp, r.opt.Batch, size)
	if err != nil {
		return err
	}
	if r.opt.LPIPSDropout {
		obj.Dropout = rand.New(rand.NewSource(r.opt.Seed))
	}
	if src != fresh && len(disc.FromFallback) > 0 {
		r.notes = append(r.notes, fmt.Sprintf("%s has no discriminator: starting a fresh one with taming's initialisation", o.name))
	}
	r.lr = r.learningRate(o.recipe.BaseLearningRate)
	r.st = &vqganStage{
		obj: obj, model: &model.Spec{Kind: model.KindVQGAN, FirstStage: cfg}, ae: ae, disc: disc, buffers: buffers,
		optAE: newAdam(r.lr), optD: newAdam(r.lr), up: updater{clip: r.opt.ClipGrad, ema: r.ema},
		codebook: newCodebookHealth(cfg.NEmbed, 0), restart: r.opt.RestartDead, seed: r.opt.Seed,
		batch: r.opt.Batch, size: size,
	}
	lossParams := map[string]any{
		"disc_start": loss.DiscStart, "codebook_weight": loss.CodebookWeight, "pixelloss_weight": loss.PixelWeight,
		"disc_num_layers": loss.DiscLayers, "disc_in_channels": loss.DiscInChannels, "disc_factor": loss.DiscFactor,
		"disc_weight": loss.DiscWeight, "perceptual_weight": loss.PerceptualWeight, "use_actnorm": loss.ActNorm,
		"disc_conditional": false, "disc_ndf": loss.DiscNDF, "disc_loss": loss.DiscLoss,
	}
	r.taming = tamingExtra{BaseLearningRate: o.recipe.BaseLearningRate, Params: map[string]any{
		"lossconfig": map[string]any{"target": targetVQLPIPS, "params": lossParams},
	}}
	return nil
}

// lpips loads LPIPS from --lpips, else from the origin's checkpoint, and
// keeps its tensors to save with the model.
func (r *session) lpips(o *origin) (*LPIPS, error) {
	const prefix = "loss.perceptual_loss."
	f, src := o.file, o.weights
	name := o.name
	if r.opt.LPIPS != "" {
		lf, err := ckpt.Open(r.opt.LPIPS)
		if err != nil {
			return nil, err
		}
		r.closers = append(r.closers, lf)
		f, src, name = lf, model.WeightsOf(lf), r.opt.LPIPS
	}
	if f == nil || src == nil {
		return nil, fmt.Errorf("train: the perceptual loss needs LPIPS weights and %s has none: give --lpips FILE (a taming VQGAN training checkpoint holds them under %s) or --perceptual-weight 0", name, prefix)
	}
	at := ""
	for _, p := range []string{prefix, "perceptual_loss.", ""} {
		if src.Has(p + "lin0.model.1.weight") {
			at = p
			break
		}
	}
	if !src.Has(at + "lin0.model.1.weight") {
		return nil, fmt.Errorf("train: %s holds no LPIPS weights (no %slin0.model.1.weight): give --lpips FILE (a taming VQGAN training checkpoint holds them) or --perceptual-weight 0", name, prefix)
	}
	lp, err := LoadLPIPS(src, at)
	if err != nil {
		return nil, err
	}
	if r.frozen == nil {
		r.frozen = map[string]*ckpt.Data{}
	}
	for key, t := range f.Tensors {
		if !strings.HasPrefix(key, at) || (at == "" && !isLPIPSKey(key)) {
			continue
		}
		v, err := t.Float32()
		if err != nil {
			return nil, err
		}
		r.frozen[prefix+strings.TrimPrefix(key, at)] = &ckpt.Data{Shape: t.Shape, F32: v}
	}
	return lp, nil
}

func isLPIPSKey(key string) bool {
	return strings.HasPrefix(key, "net.") || strings.HasPrefix(key, "lin") || strings.HasPrefix(key, "scaling_layer.")
}

func (r *session) setupCond(o *origin) error {
	cfg, src, err := firstStageOf(o, true)
	if err != nil {
		return err
	}
	if cfg.Quantizer != vqgan.VectorQuantizer {
		return fmt.Errorf("train: %s uses the %s quantizer; Tessera trains VectorQuantizer2 only", o.name, cfg.Quantizer)
	}
	labels := cfg.DD.InChannels
	size, err := r.size(cfg)
	if err != nil {
		return err
	}
	if err := r.scan(data.ScanOptions{LabelsOnly: true}, labels, size); err != nil {
		return err
	}
	if src == nil {
		src = newFreshInit(r.opt.Seed)
	}
	ps := NewParams(src)
	obj, err := newCondObjective(cfg, ps, o.recipe.CodebookWeight, r.opt.Batch, size)
	if err != nil {
		return err
	}
	r.lr = r.learningRate(o.recipe.BaseLearningRate)
	r.st = &condStage{
		obj: obj, model: &model.Spec{Kind: model.KindVQGAN, FirstStage: cfg}, opt: newAdam(r.lr),
		up: updater{clip: r.opt.ClipGrad, ema: r.ema}, codebook: newCodebookHealth(cfg.NEmbed, 0),
		restart: r.opt.RestartDead, seed: r.opt.Seed, batch: r.opt.Batch, size: size,
	}
	r.taming = tamingExtra{Target: targetSegModel, BaseLearningRate: o.recipe.BaseLearningRate, Params: map[string]any{
		"n_labels":   labels,
		"lossconfig": map[string]any{"target": targetBCEQuant, "params": map[string]any{"codebook_weight": o.recipe.CodebookWeight}},
	}}
	return nil
}

const targetSegModel = "taming.models.vqgan.VQSegmentationModel"

// prefixed serves a sub-model's weights under the keys of the model alone.
type prefixed struct {
	weights.Source
	prefix string
}

func withPrefix(src weights.Source, prefix string) weights.Source {
	if src == nil {
		return nil
	}
	return prefixed{src, prefix}
}

func (p prefixed) Has(key string) bool { return p.Source.Has(p.prefix + key) }
func (p prefixed) Float32(key string, shape []int) ([]float32, error) {
	return p.Source.Float32(p.prefix+key, shape)
}
func (p prefixed) Int64(key string) ([]int64, []int, error) { return p.Source.Int64(p.prefix + key) }
func (p prefixed) Keys() []string {
	var out []string
	for _, k := range p.Source.Keys() {
		if strings.HasPrefix(k, p.prefix) {
			out = append(out, strings.TrimPrefix(k, p.prefix))
		}
	}
	return out
}
