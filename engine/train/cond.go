package train

import (
	"fmt"
	"image"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/ckpt"
	"tessera/engine/data"
	"tessera/engine/model"
	"tessera/engine/train/ops"
	"tessera/engine/train/optim"
	"tessera/engine/vqgan"
)

// condObjective is taming's VQSegmentationModel training step: the
// autoencoder reconstructs one-hot label maps as logits, scored by binary
// cross-entropy plus the codebook loss (BCELossWithQuant).
type condObjective struct {
	cfg    vqgan.Config
	ps     *Params
	x      *G.Node
	m      G.VM
	params []*optim.Param
	grads  []*ops.Watched
	total  *ops.Watched
	bce    *ops.Watched
	quant  *ops.Watched
	rec, z *ops.Watched
	codes  []int
}

func newCondObjective(cfg vqgan.Config, ps *Params, codebookWeight float64, batch, size int) (*condObjective, error) {
	o := &condObjective{cfg: cfg, ps: ps}
	b := newBuilder()
	o.x = b.input("segmentation", imageShape(batch, cfg.DD.InChannels, size)...)
	ae := &autoencoder{cfg: cfg, ps: ps, b: b, codes: &o.codes}
	out := ae.forward(o.x)
	bce := ops.BCEWithLogits(out.rec, o.x)
	quant := ops.VQLoss(out.z, out.codebook, cfg.Beta, true)
	total := ops.Add(bce, ops.Scale(quant, float32(codebookWeight)))
	if b.err != nil {
		return nil, b.err
	}
	o.params = ps.List()
	gs, err := G.Grad(total, b.nodesOf(o.params)...)
	if err != nil {
		return nil, fmt.Errorf("train: differentiating the cond stage's loss: %w", err)
	}
	for _, n := range gs {
		o.grads = append(o.grads, ops.Watch(n))
	}
	o.total, o.bce, o.quant = ops.Watch(total), ops.Watch(bce), ops.Watch(quant)
	o.rec, o.z = ops.Watch(out.rec), ops.Watch(out.z)
	o.m = G.NewTapeMachine(b.g)
	return o, nil
}

// step runs the loss on one-hot maps x and adds scale times its gradients.
func (o *condObjective) step(x *tensor.Dense, scale float32) (map[string]float64, error) {
	if err := run(o.m, o.x, x); err != nil {
		return nil, fmt.Errorf("train: cond stage pass: %w", err)
	}
	accumulate(o.params, o.grads, scale)
	return map[string]float64{
		"total_loss": float64(o.total.Scalar()),
		"bce_loss":   float64(o.bce.Scalar()),
		"quant_loss": float64(o.quant.Scalar()),
	}, nil
}

// condStage trains a segmentation cond stage.
type condStage struct {
	obj         *condObjective
	model       *model.Spec
	opt         *optim.Adam
	up          updater
	codebook    *codebookHealth
	restart     int
	seed        int64
	batch, size int
}

func (s *condStage) micro(batch []*data.Example, step int, scale float32, apply bool) (map[string]float64, error) {
	x, err := s.onehot(batch)
	if err != nil {
		return nil, err
	}
	logs, err := s.obj.step(x, scale)
	if err != nil {
		return nil, err
	}
	s.codebook.record(step, s.obj.codes)
	if apply {
		if err := s.up.apply(s.opt, s.obj.params); err != nil {
			return nil, err
		}
		if s.restart > 0 {
			logs["restarted"] = float64(restartFromLatents(s.codebook, step, s.restart, s.obj.ps, s.opt, s.obj.z.Tensor(), s.seed))
		}
	}
	return logs, nil
}

func (s *condStage) onehot(batch []*data.Example) (*tensor.Dense, error) {
	maps := make([][]float32, len(batch))
	for i, ex := range batch {
		v, err := data.OneHot(ex.Labels, s.obj.cfg.DD.InChannels)
		if err != nil {
			return nil, err
		}
		maps[i] = v
	}
	return stack(maps, s.obj.cfg.DD.InChannels, s.size), nil
}

func (s *condStage) spec() *model.Spec                  { return s.model }
func (s *condStage) groups() []*Params                  { return []*Params{s.obj.ps} }
func (s *condStage) health() *codebookHealth            { return s.codebook }
func (s *condStage) unit() (string, int)                { return "images", s.batch }
func (s *condStage) optimizers() map[string]*optim.Adam { return map[string]*optim.Adam{"cond": s.opt} }

func (s *condStage) trainedGroups(string) []*Params { return []*Params{s.obj.ps} }
func (s *condStage) extra() map[string]*ckpt.Data   { return nil }

// picture shows each label map beside the cond stage's reconstruction (the
// label with the largest logit at each pixel).
func (s *condStage) picture(batch []*data.Example) (image.Image, error) {
	rows := make([][]image.Image, len(batch))
	for i, ex := range batch {
		in := make([]int, len(ex.Labels))
		for p, l := range ex.Labels {
			in[p] = int(l)
		}
		rec, w, h := argmaxLabels(s.obj.rec.Tensor(), i)
		rows[i] = []image.Image{labelPicture(in, s.size, s.size), labelPicture(rec, w, h)}
	}
	return tileGrid(rows), nil
}
