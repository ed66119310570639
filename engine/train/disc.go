package train

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	"tessera/engine/nn"
	"tessera/engine/train/ops"
)

// discConfig is taming's NLayerDiscriminator: a PatchGAN of stride-2 4x4
// convs with BatchNorm (or ActNorm) and LeakyReLU(0.2).
type discConfig struct {
	Layers, NDF, InChannels int
	ActNorm                 bool
}

const discPrefix = "loss.discriminator.main."

// discriminator holds a discriminator's parameters, its normalisation
// state and the graphs' view of them.
type discriminator struct {
	cfg     discConfig
	ps      *Params // trained by the discriminator's optimizer
	buffers *Params // BatchNorm running statistics (never stepped)
	train   bool    // BatchNorm on batch statistics, updating the running ones
	bn      map[int]*ops.BNStats
	act     map[int]*ops.ActNormState
}

func newDiscriminator(cfg discConfig, ps, buffers *Params) *discriminator {
	return &discriminator{cfg: cfg, ps: ps, buffers: buffers, train: true, bn: map[int]*ops.BNStats{}, act: map[int]*ops.ActNormState{}}
}

// widths lists the output channels of the convs in order, with their
// module index in main and stride.
type discLayer struct{ index, in, out, stride int }

func (cfg discConfig) layers() []discLayer {
	ls := []discLayer{{0, cfg.InChannels, cfg.NDF, 2}}
	mult := 1
	for n := 1; n <= cfg.Layers; n++ {
		prev := mult
		mult = min(1<<n, 8)
		stride := 2
		if n == cfg.Layers {
			stride = 1
		}
		ls = append(ls, discLayer{3*n - 1, cfg.NDF * prev, cfg.NDF * mult, stride})
	}
	return append(ls, discLayer{3*cfg.Layers + 2, cfg.NDF * mult, 1, 1})
}

// forward adds D(x) to b's graph: a [B, 1, h, w] map of logits. after are
// nodes whose evaluation must come first (an earlier pass through the same
// BatchNorm statistics).
func (d *discriminator) forward(b *builder, x *G.Node, after ...*G.Node) *G.Node {
	ls := d.cfg.layers()
	h := x
	for i, l := range ls {
		first, last := i == 0, i == len(ls)-1
		name := fmt.Sprint(discPrefix, l.index)
		w := b.param(d.ps, name+".weight", l.out, l.in, 4, 4)
		var bias *G.Node
		if first || last || d.cfg.ActNorm {
			bias = b.param(d.ps, name+".bias", l.out)
		}
		h = ops.Conv(h, w, bias, l.stride, nn.Same(1))
		if last {
			break
		}
		if !first {
			h = d.norm(b, l.index+1, h, l.out, after)
		}
		h = ops.LeakyReLU(h, 0.2)
	}
	return h
}

func (d *discriminator) norm(b *builder, index int, x *G.Node, c int, after []*G.Node) *G.Node {
	name := fmt.Sprint(discPrefix, index)
	if d.cfg.ActNorm {
		loc := b.param(d.ps, name+".loc", 1, c, 1, 1)
		scale := b.param(d.ps, name+".scale", 1, c, 1, 1)
		st, ok := d.act[index]
		if !ok {
			st = &ops.ActNormState{Loc: d.ps.Get(name + ".loc").Data, Scale: d.ps.Get(name + ".scale").Data, Initialized: d.actInitialized(name)}
			d.act[index] = st
		}
		return ops.ActNorm(x, loc, scale, st)
	}
	gamma := b.param(d.ps, name+".weight", c)
	beta := b.param(d.ps, name+".bias", c)
	st, ok := d.bn[index]
	if !ok {
		st = d.batchStats(b, name, c)
		d.bn[index] = st
	}
	return ops.BatchNorm(x, gamma, beta, st, d.train, after...)
}

// batchStats binds a BatchNorm's running statistics to the buffers group,
// so they are saved and restored with the model.
func (d *discriminator) batchStats(b *builder, name string, c int) *ops.BNStats {
	mean, err := d.buffers.ensure(name+".running_mean", []int{c})
	if err != nil {
		b.fail(err)
		return &ops.BNStats{Mean: make([]float32, c), Var: make([]float32, c), Momentum: 0.1, Eps: 1e-5}
	}
	variance, err := d.buffers.ensure(name+".running_var", []int{c})
	if err != nil {
		b.fail(err)
		return &ops.BNStats{Mean: make([]float32, c), Var: make([]float32, c), Momentum: 0.1, Eps: 1e-5}
	}
	st := &ops.BNStats{Mean: mean.Floats(), Var: variance.Floats(), Momentum: 0.1, Eps: 1e-5}
	if src := d.buffers.Source; src.Has(name + ".num_batches_tracked") {
		if v, _, err := src.Int64(name + ".num_batches_tracked"); err == nil && len(v) == 1 {
			st.Tracked = v[0]
		}
	}
	return st
}

// actInitialized reads ActNorm's "initialized" buffer: a checkpoint whose
// ActNorm has run keeps its loc and scale.
func (d *discriminator) actInitialized(name string) bool {
	src := d.ps.Source
	if !src.Has(name + ".initialized") {
		return false
	}
	v, _, err := src.Int64(name + ".initialized")
	return err == nil && len(v) == 1 && v[0] != 0
}
