package train

import (
	"fmt"
	"image"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/ckpt"
	"tessera/engine/classify"
	"tessera/engine/data"
	"tessera/engine/imgio"
	"tessera/engine/model"
	"tessera/engine/train/ops"
	"tessera/engine/train/optim"
	"tessera/engine/vqgan"
)

// classifierObjective is Tessera's pixel classifier's training step:
// taming's encoder feeding its decoder with no quantizer between them
// (engine/classify), the decoder's outputs scored as per-label logits by
// the cross-entropy against the label maps, averaged over the pixels.
type classifierObjective struct {
	cfg     vqgan.Config
	ps      *Params
	x       *G.Node
	targets []int // the batch's labels, raster order (b, y, x)
	m       G.VM
	params  []*optim.Param
	grads   []*ops.Watched
	loss    *ops.Watched
	logits  *ops.Watched
}

func newClassifierObjective(cfg vqgan.Config, ps *Params, batch, size int) (*classifierObjective, error) {
	o := &classifierObjective{cfg: cfg, ps: ps}
	b := newBuilder()
	o.x = b.input("image", imageShape(batch, cfg.DD.InChannels, size)...)
	ae := &autoencoder{cfg: cfg, ps: ps, b: b}
	logits, _ := ae.decoder(ae.encoder(o.x))
	loss := ops.PixelCrossEntropy(logits, &o.targets)
	if b.err != nil {
		return nil, b.err
	}
	o.params = ps.List()
	gs, err := G.Grad(loss, b.nodesOf(o.params)...)
	if err != nil {
		return nil, fmt.Errorf("train: differentiating the classifier's loss: %w", err)
	}
	for _, n := range gs {
		o.grads = append(o.grads, ops.Watch(n))
	}
	o.loss, o.logits = ops.Watch(loss), ops.Watch(logits)
	o.m = G.NewTapeMachine(b.g)
	return o, nil
}

// step runs the loss on images x against the label maps and adds scale
// times its gradients; it logs the loss and the batch's pixel accuracy.
func (o *classifierObjective) step(x *tensor.Dense, labels []uint8, scale float32) (map[string]float64, error) {
	o.targets = o.targets[:0]
	for _, l := range labels {
		o.targets = append(o.targets, int(l))
	}
	if err := run(o.m, o.x, x); err != nil {
		return nil, fmt.Errorf("train: classifier pass: %w", err)
	}
	accumulate(o.params, o.grads, scale)
	b := x.Shape()[0]
	right := 0
	for i := range b {
		pred, _, _ := argmaxLabels(o.logits.Tensor(), i)
		for p, l := range pred {
			if l == o.targets[i*len(pred)+p] {
				right++
			}
		}
	}
	return map[string]float64{
		"loss":     float64(o.loss.Scalar()),
		"accuracy": float64(right) / float64(len(o.targets)),
	}, nil
}

// classifierStage trains a pixel classifier.
type classifierStage struct {
	obj         *classifierObjective
	model       *model.Spec
	opt         *optim.Adam
	up          updater
	batch, size int
}

func (s *classifierStage) micro(batch []*data.Example, _ int, scale float32, apply bool) (map[string]float64, error) {
	images := make([][]float32, len(batch))
	var labels []uint8
	for i, ex := range batch {
		images[i] = ex.Image
		labels = append(labels, ex.Labels...)
	}
	logs, err := s.obj.step(stack(images, 3, s.size), labels, scale)
	if err != nil {
		return nil, err
	}
	if apply {
		if err := s.up.apply(s.opt, s.obj.params); err != nil {
			return nil, err
		}
	}
	return logs, nil
}

func (s *classifierStage) spec() *model.Spec       { return s.model }
func (s *classifierStage) groups() []*Params       { return []*Params{s.obj.ps} }
func (s *classifierStage) health() *codebookHealth { return nil }
func (s *classifierStage) unit() (string, int)     { return "images", s.batch }
func (s *classifierStage) optimizers() map[string]*optim.Adam {
	return map[string]*optim.Adam{"classifier": s.opt}
}
func (s *classifierStage) trainedGroups(string) []*Params { return []*Params{s.obj.ps} }
func (s *classifierStage) extra() map[string]*ckpt.Data   { return nil }

// picture shows each image of the batch beside its label map and the
// classifier's labels for it.
func (s *classifierStage) picture(batch []*data.Example) (image.Image, error) {
	images := make([][]float32, len(batch))
	for i, ex := range batch {
		images[i] = ex.Image
	}
	shown, err := imgio.FromTensor(stack(images, 3, s.size))
	if err != nil {
		return nil, err
	}
	rows := make([][]image.Image, len(batch))
	for i, ex := range batch {
		truth := make([]int, len(ex.Labels))
		for p, l := range ex.Labels {
			truth[p] = int(l)
		}
		pred, w, h := argmaxLabels(s.obj.logits.Tensor(), i)
		rows[i] = []image.Image{shown[i], labelPicture(truth, s.size, s.size), labelPicture(pred, w, h)}
	}
	return tileGrid(rows), nil
}

// setupClassifier prepares a pixel classifier's run, from a config whose
// target is model.TargetClassifier or from a classifier model (--init).
func (r *session) setupClassifier(o *origin) error {
	if o.spec.Kind != model.KindClassifier {
		return fmt.Errorf("train: %s is a %s model, not a pixel classifier (a config's model.target must be %s)", o.name, o.spec.Kind, model.TargetClassifier)
	}
	if r.opt.Labels == "" {
		return fmt.Errorf("train: a classifier needs --labels LABELDIR, the label maps of the --data images")
	}
	cfg := o.spec.FirstStage
	if err := classify.Validate(cfg.DD, o.spec.LabelNames); err != nil {
		return fmt.Errorf("train: %s: %w", o.name, err)
	}
	size, err := r.size(cfg)
	if err != nil {
		return err
	}
	if err := r.scan(data.ScanOptions{LabelDir: r.opt.Labels}, cfg.DD.OutCh, size); err != nil {
		return err
	}
	src := o.weights
	if src == nil {
		src = newFreshInit(r.opt.Seed)
	}
	ps := NewParams(src)
	obj, err := newClassifierObjective(cfg, ps, r.opt.Batch, size)
	if err != nil {
		return err
	}
	r.lr = r.learningRate(o.recipe.BaseLearningRate)
	r.st = &classifierStage{
		obj: obj, model: &model.Spec{Kind: model.KindClassifier, FirstStage: vqgan.Config{DD: cfg.DD}, LabelNames: o.spec.LabelNames},
		opt: newAdam(r.lr), up: updater{clip: r.opt.ClipGrad, ema: r.ema}, batch: r.opt.Batch, size: size,
	}
	r.taming = tamingExtra{Target: model.TargetClassifier, BaseLearningRate: o.recipe.BaseLearningRate}
	return nil
}
