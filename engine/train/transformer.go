package train

import (
	"context"
	"fmt"
	"image"
	"strings"

	"tessera/engine/ckpt"
	"tessera/engine/data"
	"tessera/engine/imgio"
	"tessera/engine/model"
	"tessera/engine/nn"
	"tessera/engine/pipeline"
	"tessera/engine/sample"
	"tessera/engine/train/optim"
	"tessera/engine/vqgan"
	"tessera/engine/weights"
)

// transformerStage trains a Net2NetTransformer's GPT over the codes of its
// frozen first stage (and cond stage).
type transformerStage struct {
	obj        *gptObjective
	model      *model.Spec
	ps         *Params
	opt        *optim.Adam
	up         updater
	first      *vqgan.Model // frozen, tokenises the images
	cond       *vqgan.Model // frozen, tokenises label maps (segmentation only)
	frozen     map[string]*ckpt.Data
	pkeep      float64
	seed       int64
	batch      int
	size       int
	imageTok   int
	cache      map[string][]int // codes by stage and item, when crops do not vary
	useCache   bool
	lastCond   []int
	lastImages []int
}

func (s *transformerStage) micro(batch []*data.Example, step int, scale float32, apply bool) (map[string]float64, error) {
	cond, img, err := s.tokens(batch)
	if err != nil {
		return nil, err
	}
	loss, err := s.obj.run(cond, img, s.pkeep, stepRand(s.seed, step, 0, drawPKeep), scale)
	if err != nil {
		return nil, err
	}
	s.lastCond, s.lastImages = cond, img
	if apply {
		if err := s.up.apply(s.opt, s.obj.params); err != nil {
			return nil, err
		}
	}
	return map[string]float64{"loss": float64(loss)}, nil
}

// tokens are the batch's conditioning and image codes from the frozen
// stages: the class id, the SOS token or the cond stage's codes, then the
// first stage's.
func (s *transformerStage) tokens(batch []*data.Example) (cond, img []int, err error) {
	for _, ex := range batch {
		codes, err := s.codes("image", ex, func() ([]int, error) {
			enc, err := s.first.Encode(nn.FromSlice(ex.Image, 1, 3, s.size, s.size), nil)
			if err != nil {
				return nil, err
			}
			return enc.Tokens, nil
		})
		if err != nil {
			return nil, nil, err
		}
		img = append(img, codes...)
		switch c := s.model.Cond; c.Kind {
		case model.CondNone:
			cond = append(cond, c.SOSToken)
		case model.CondClass:
			if ex.Class < 0 || ex.Class >= c.Classes {
				return nil, nil, fmt.Errorf("train: class %d is outside the model's %d classes", ex.Class, c.Classes)
			}
			cond = append(cond, ex.Class)
		default:
			codes, err := s.codes("cond", ex, func() ([]int, error) {
				onehot, err := data.OneHot(ex.Labels, c.Labels)
				if err != nil {
					return nil, err
				}
				enc, err := s.cond.Encode(nn.FromSlice(onehot, 1, c.Labels, s.size, s.size), nil)
				if err != nil {
					return nil, err
				}
				return enc.Tokens, nil
			})
			if err != nil {
				return nil, nil, err
			}
			cond = append(cond, codes...)
		}
	}
	return cond, img, nil
}

// codes encodes once per image and stage when crops do not change.
func (s *transformerStage) codes(part string, ex *data.Example, encode func() ([]int, error)) ([]int, error) {
	key := fmt.Sprint(part, ex.Item)
	if s.useCache {
		if c, ok := s.cache[key]; ok {
			return c, nil
		}
	}
	c, err := encode()
	if err != nil {
		return nil, fmt.Errorf("train: encoding item %d: %w", ex.Item, err)
	}
	if s.useCache {
		s.cache[key] = c
	}
	return c, nil
}

func (s *transformerStage) spec() *model.Spec       { return s.model }
func (s *transformerStage) groups() []*Params       { return []*Params{s.ps} }
func (s *transformerStage) health() *codebookHealth { return nil }
func (s *transformerStage) unit() (string, int)     { return "tokens", s.batch * s.imageTok }
func (s *transformerStage) optimizers() map[string]*optim.Adam {
	return map[string]*optim.Adam{"gpt": s.opt}
}
func (s *transformerStage) trainedGroups(string) []*Params { return []*Params{s.ps} }
func (s *transformerStage) extra() map[string]*ckpt.Data   { return nil }

// picture shows, for each item of the batch, its image, the first stage's
// reconstruction of it and a sample drawn under its condition with the
// current weights (top-k 100, seeded by the item's position).
func (s *transformerStage) picture(batch []*data.Example) (image.Image, error) {
	m, err := model.Build(s.model, &trainedSource{ps: s.ps, frozen: s.frozen})
	if err != nil {
		return nil, err
	}
	e := s.size / s.first.Config.Factor()
	rows := make([][]image.Image, len(batch))
	for i, ex := range batch {
		x := nn.FromSlice(ex.Image, 1, 3, s.size, s.size)
		enc, err := s.first.Encode(x, nil)
		if err != nil {
			return nil, err
		}
		rec, err := s.first.Decode(enc.ZQ, nil)
		if err != nil {
			return nil, err
		}
		req := pipeline.SampleRequest{W: e, H: e, Options: sample.Options{Filter: sample.Filter{TopK: 100, Temperature: 1}, Seed: int64(i)}}
		switch s.model.Cond.Kind {
		case model.CondClass:
			c := ex.Class
			req.Cond.Class = &c
		case model.CondSpatial:
			labels := make([]int, len(ex.Labels))
			for p, l := range ex.Labels {
				labels[p] = int(l)
			}
			req.Cond.Labels = &pipeline.LabelMap{W: s.size, H: s.size, Labels: labels}
		}
		out, err := pipeline.Sample(context.Background(), m, req, nil)
		if err != nil {
			return nil, err
		}
		pair, err := imgio.FromTensor(nn.FromSlice(append(append([]float32(nil), ex.Image...), nn.Data(rec)...), 2, 3, s.size, s.size))
		if err != nil {
			return nil, err
		}
		row := []image.Image{pair[0], pair[1]}
		rows[i] = append(row, out[0].Image)
	}
	return tileGrid(rows), nil
}

// newGPTAdamW is minGPT's optimizer: AdamW with betas 0.9, 0.95 and weight
// decay 0.01 on the decay group.
func newGPTAdamW(lr float64) *optim.Adam { return optim.NewAdamW(lr, 0.9, 0.95, 0.01) }

// trainedSource serves a model made of the trained transformer and the
// frozen stages, for sampling mid-run.
type trainedSource struct {
	ps     *Params
	frozen map[string]*ckpt.Data
}

func (s *trainedSource) Name() string { return "the model being trained" }
func (s *trainedSource) Has(key string) bool {
	_, ok := s.frozen[key]
	return ok || s.ps.Get(key) != nil
}
func (s *trainedSource) Keys() []string { return nil }
func (s *trainedSource) Float32(key string, shape []int) ([]float32, error) {
	if p := s.ps.Get(key); p != nil {
		return p.Floats(), nil
	}
	if d, ok := s.frozen[key]; ok && d.F32 != nil {
		return d.F32, nil
	}
	return nil, fmt.Errorf("train: the model being trained has no %s", key)
}
func (s *trainedSource) Int64(key string) ([]int64, []int, error) {
	if d, ok := s.frozen[key]; ok && d.I64 != nil {
		return d.I64, d.Shape, nil
	}
	return nil, nil, fmt.Errorf("train: the model being trained has no %s", key)
}

// recording passes reads through and keeps what was read under a new
// prefix, so exactly the weights a frozen stage uses are saved with the
// transformer.
type recording struct {
	weights.Source
	from, to string
	got      map[string]*ckpt.Data
}

func (r *recording) Float32(key string, shape []int) ([]float32, error) {
	v, err := r.Source.Float32(key, shape)
	if err == nil {
		r.got[r.to+strings.TrimPrefix(key, r.from)] = &ckpt.Data{Shape: shape, F32: v}
	}
	return v, err
}

func (r *recording) Int64(key string) ([]int64, []int, error) {
	v, shape, err := r.Source.Int64(key)
	if err == nil {
		r.got[r.to+strings.TrimPrefix(key, r.from)] = &ckpt.Data{Shape: shape, I64: v}
	}
	return v, shape, err
}

// frozenStage loads a first or cond stage for inference, recording its
// weights under the Net2Net prefix to.
func frozenStage(src weights.Source, from, to string, cfg vqgan.Config, got map[string]*ckpt.Data) (*vqgan.Model, error) {
	return vqgan.Load(&recording{Source: src, from: from, to: to, got: got}, from, cfg)
}

func (r *session) setupTransformer(o *origin) error {
	spec := *o.spec
	if spec.Kind != model.KindNet2Net {
		if r.opt.Config == "" && r.opt.GPTPreset == "" {
			return fmt.Errorf("train: %s is a first stage, not a Net2NetTransformer: give --config FILE.yaml (a Net2Net config) with --first-stage %s", o.name, o.name)
		}
		return fmt.Errorf("train: %s describes a first stage, not a Net2NetTransformer", o.name)
	}
	c := spec.Cond
	if c.Kind == model.CondFirstStage || (c.Kind == model.CondSpatial && c.Labels == 0) {
		return fmt.Errorf("train: %s is conditioned on %s; Tessera trains class, segmentation and unconditional transformers", o.name, c.Key)
	}
	frozen := map[string]*ckpt.Data{}
	first, cond, err := r.frozenStages(o, &spec, frozen)
	if err != nil {
		return err
	}
	r.frozen = frozen
	f := first.Config.Factor()
	size := r.opt.Size
	if size == 0 {
		size = spec.Transformer.Window(c.Kind == model.CondSpatial) * f
	}
	if size%f != 0 {
		return fmt.Errorf("train: a crop of %d pixels is not a multiple of the first stage's factor %d", size, f)
	}
	imageLen, condLen := (size/f)*(size/f), 1
	switch c.Kind {
	case model.CondClass:
		err = r.scan(data.ScanOptions{Classes: true}, 0, size)
	case model.CondSpatial:
		if r.opt.Labels == "" {
			return fmt.Errorf("train: %s is conditioned on segmentations: give --labels LABELDIR", o.name)
		}
		fc := cond.Config.Factor()
		if size%fc != 0 {
			return fmt.Errorf("train: a crop of %d pixels is not a multiple of the cond stage's factor %d", size, fc)
		}
		condLen = (size / fc) * (size / fc)
		err = r.scan(data.ScanOptions{LabelDir: r.opt.Labels}, c.Labels, size)
	default:
		err = r.scan(data.ScanOptions{}, 0, size)
	}
	if err != nil {
		return err
	}
	if names := r.opt.LabelNames; len(names) > 0 {
		if c.Kind != model.CondSpatial || len(names) != c.Labels {
			return fmt.Errorf("train: %d label names for a model with %d labels", len(names), c.Labels)
		}
		cs := *c
		cs.Names = names
		spec.Cond = &cs
	}
	if c.Kind == model.CondClass {
		if n := r.set.NumClasses(); n > c.Classes {
			return fmt.Errorf("train: %s has %d classes but the model takes %d", r.opt.Data, n, c.Classes)
		}
		if r.set.ClassNames != nil {
			cs := *c
			cs.Names = r.set.ClassNames
			spec.Cond = &cs
		}
	}
	var src weights.Source = gptInit{Seed: r.opt.Seed}
	if o.weights != nil && o.weights.Has(gptPrefix+"tok_emb.weight") {
		src = o.weights
	}
	ps := NewParams(src)
	obj, err := newGPTObjective(ps, *spec.Transformer, r.opt.Batch, condLen, imageLen)
	if err != nil {
		return err
	}
	markGPTDecay(ps)
	recipe := o.recipe
	pkeep := recipe.PKeep
	if r.opt.PKeep != nil {
		pkeep = *r.opt.PKeep
	}
	r.lr = r.learningRate(recipe.BaseLearningRate)
	r.st = &transformerStage{
		obj: obj, model: &spec, ps: ps, opt: newGPTAdamW(r.lr), up: updater{clip: r.opt.ClipGrad, ema: r.ema},
		first: first, cond: cond, frozen: frozen, pkeep: pkeep, seed: r.opt.Seed, batch: r.opt.Batch, size: size,
		imageTok: imageLen, cache: map[string][]int{}, useCache: r.opt.NoAugment,
	}
	r.taming = tamingExtra{BaseLearningRate: recipe.BaseLearningRate, Params: map[string]any{"pkeep": pkeep}}
	return nil
}

// frozenStages loads the first stage (and a segmentation cond stage) from
// the origin, or from --first-stage and --cond-stage, which must fit the
// config.
func (r *session) frozenStages(o *origin, spec *model.Spec, got map[string]*ckpt.Data) (*vqgan.Model, *vqgan.Model, error) {
	load := func(path, part string, want vqgan.Config) (*vqgan.Model, error) {
		to := part + "_stage_model."
		if path == "" {
			if o.weights == nil {
				return nil, fmt.Errorf("train: a fresh transformer needs --%s-stage MODEL", part)
			}
			return frozenStage(o.weights, to, to, want, got)
		}
		ck, err := model.OpenCheckpoint(path, "")
		if err != nil {
			return nil, err
		}
		r.closers = append(r.closers, ck.File)
		cfg, from := ck.Spec.FirstStage, ""
		if ck.Spec.Kind == model.KindNet2Net {
			from = to
			if part == "cond" {
				if ck.Spec.CondStage == nil {
					return nil, fmt.Errorf("train: %s has no cond stage", path)
				}
				cfg = *ck.Spec.CondStage
			}
		}
		if !sameNetwork(cfg, want) {
			return nil, fmt.Errorf("train: the %s stage in %s (%+v) is not the one the config describes (%+v)", part, path, cfg, want)
		}
		return frozenStage(ck.Weights, from, to, want, got)
	}
	first, err := load(r.opt.FirstStage, "first", spec.FirstStage)
	if err != nil {
		return nil, nil, fmt.Errorf("first stage: %w", err)
	}
	if spec.Cond.Kind != model.CondSpatial {
		return first, nil, nil
	}
	cond, err := load(r.opt.CondStage, "cond", *spec.CondStage)
	if err != nil {
		return nil, nil, fmt.Errorf("cond stage: %w", err)
	}
	return first, cond, nil
}

func sameNetwork(a, b vqgan.Config) bool {
	return fmt.Sprint(a.DD) == fmt.Sprint(b.DD) && a.NEmbed == b.NEmbed && a.EmbedDim == b.EmbedDim && a.Quantizer == b.Quantizer
}
