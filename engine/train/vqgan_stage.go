package train

import (
	"fmt"
	"image"
	"strings"

	"gorgonia.org/tensor"

	"tessera/engine/ckpt"
	"tessera/engine/data"
	"tessera/engine/model"
	"tessera/engine/nn"
	"tessera/engine/train/optim"
)

// vqganStage trains a first stage with taming's VQGAN objective.
type vqganStage struct {
	obj         *vqganObjective
	model       *model.Spec
	ae, disc    *Params
	buffers     *Params
	optAE, optD *optim.Adam
	up          updater
	codebook    *codebookHealth
	restart     int // --restart-dead
	seed        int64
	batch, size int
}

func (s *vqganStage) micro(batch []*data.Example, step int, scale float32, apply bool) (map[string]float64, error) {
	x := imageBatch(batch, s.size)
	var st vqganStep
	if s.obj.Dropout != nil {
		s.obj.Dropout.Seed(stepRand(s.seed, step, 0, drawDropout).Int63())
	}
	if err := s.obj.generator(x, step, scale, &st); err != nil {
		return nil, err
	}
	if apply {
		if err := s.up.apply(s.optAE, s.ae.List()); err != nil {
			return nil, err
		}
	}
	if err := s.obj.discriminator(x, step, scale, &st); err != nil {
		return nil, err
	}
	if apply {
		if err := s.up.apply(s.optD, s.disc.List()); err != nil {
			return nil, err
		}
	}
	s.codebook.record(step, s.obj.Codes)
	if apply && s.restart > 0 {
		logs := st.logs()
		logs["restarted"] = float64(restartFromLatents(s.codebook, step, s.restart, s.ae, s.optAE, s.obj.gen.z.Tensor(), s.seed))
		return logs, nil
	}
	return st.logs(), nil
}

func (s *vqganStage) spec() *model.Spec       { return s.model }
func (s *vqganStage) groups() []*Params       { return []*Params{s.ae, s.disc, s.buffers} }
func (s *vqganStage) health() *codebookHealth { return s.codebook }
func (s *vqganStage) unit() (string, int)     { return "images", s.batch }
func (s *vqganStage) optimizers() map[string]*optim.Adam {
	return map[string]*optim.Adam{"ae": s.optAE, "disc": s.optD}
}

func (s *vqganStage) trainedGroups(name string) []*Params {
	if name == "disc" {
		return []*Params{s.disc}
	}
	return []*Params{s.ae}
}

func (s *vqganStage) extra() map[string]*ckpt.Data {
	out := map[string]*ckpt.Data{}
	for i, st := range s.obj.disc.bn {
		out[fmt.Sprint(discPrefix, i, ".num_batches_tracked")] = &ckpt.Data{Shape: []int{}, I64: []int64{st.Tracked}}
	}
	for i, st := range s.obj.disc.act {
		flag := int64(0)
		if st.Initialized {
			flag = 1
		}
		out[fmt.Sprint(discPrefix, i, ".initialized")] = &ckpt.Data{Shape: []int{}, I64: []int64{flag}}
	}
	return out
}

func (s *vqganStage) picture(batch []*data.Example) (image.Image, error) {
	x := imageBatch(batch, s.size)
	return pairGrid(x, s.obj.gen.rec.Tensor())
}

// restartFromLatents runs --restart-dead on the codebook of group ae with
// the encoder outputs z ([B, D, H, W]) of the last pass.
func restartFromLatents(h *codebookHealth, step, after int, ae *Params, opt *optim.Adam, z *tensor.Dense, seed int64) int {
	codebook := ae.Get(codebookKey(ae))
	b, d, hh, w := nn.Dims4(z)
	zs := nn.Data(z)
	flat := make([]float32, 0, len(zs))
	for i := 0; i < b; i++ {
		for p := 0; p < hh*w; p++ {
			for c := 0; c < d; c++ {
				flat = append(flat, zs[(i*d+c)*hh*w+p])
			}
		}
	}
	return h.restartDead(step, after, codebook, opt, flat, d, stepRand(seed, step, 0, drawRestart))
}

// codebookKey finds the group's codebook (a cond stage's has a prefix in
// Net2Net checkpoints, not in its own).
func codebookKey(ps *Params) string {
	for _, p := range ps.List() {
		if strings.HasSuffix(p.Name, "quantize.embedding.weight") {
			return p.Name
		}
	}
	return "quantize.embedding.weight"
}

// imageBatch stacks the examples' images into a [B, 3, size, size] tensor.
func imageBatch(batch []*data.Example, size int) *tensor.Dense {
	images := make([][]float32, len(batch))
	for i, ex := range batch {
		images[i] = ex.Image
	}
	return stack(images, 3, size)
}

// stack makes a [B, c, size, size] tensor of B planes sets.
func stack(items [][]float32, c, size int) *tensor.Dense {
	plane := c * size * size
	out := make([]float32, len(items)*plane)
	for i, v := range items {
		copy(out[i*plane:], v)
	}
	return nn.FromSlice(out, len(items), c, size, size)
}
