package train

import (
	"fmt"
	"math"
	"math/rand"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/train/ops"
	"tessera/engine/train/optim"
	"tessera/engine/vqgan"
)

// VQGANLoss is taming's VQLPIPSWithDiscriminator configuration
// (lossconfig.params), with its defaults.
type VQGANLoss struct {
	DiscStart        int     `json:"disc_start" yaml:"disc_start"`
	CodebookWeight   float64 `json:"codebook_weight" yaml:"codebook_weight"`
	DiscFactor       float64 `json:"disc_factor" yaml:"disc_factor"`
	DiscWeight       float64 `json:"disc_weight" yaml:"disc_weight"`
	PerceptualWeight float64 `json:"perceptual_weight" yaml:"perceptual_weight"`
	DiscLayers       int     `json:"disc_num_layers" yaml:"disc_num_layers"`
	DiscInChannels   int     `json:"disc_in_channels" yaml:"disc_in_channels"`
	DiscNDF          int     `json:"disc_ndf" yaml:"disc_ndf"`
	ActNorm          bool    `json:"use_actnorm" yaml:"use_actnorm"`
	DiscLoss         string  `json:"disc_loss" yaml:"disc_loss"`
	// PixelWeight is read and kept for the exported config, but taming never
	// uses it: the L1 term always has weight 1.
	PixelWeight float64 `json:"pixelloss_weight" yaml:"pixelloss_weight"`
}

// DefaultVQGANLoss is VQLPIPSWithDiscriminator's defaults with disc_start 0.
func DefaultVQGANLoss() VQGANLoss {
	return VQGANLoss{CodebookWeight: 1, DiscFactor: 1, DiscWeight: 1, PerceptualWeight: 1,
		DiscLayers: 3, DiscInChannels: 3, DiscNDF: 64, DiscLoss: "hinge", PixelWeight: 1}
}

func (l VQGANLoss) validate() error {
	switch {
	case l.DiscLoss != "hinge" && l.DiscLoss != "vanilla":
		return fmt.Errorf("train: disc_loss %q is not one taming knows (hinge or vanilla)", l.DiscLoss)
	case l.DiscLayers < 1 || l.DiscNDF < 1 || l.DiscInChannels < 1:
		return fmt.Errorf("train: the discriminator needs positive disc_num_layers, disc_ndf and disc_in_channels (got %d, %d, %d)", l.DiscLayers, l.DiscNDF, l.DiscInChannels)
	case l.PerceptualWeight < 0:
		return fmt.Errorf("train: perceptual_weight %g is negative", l.PerceptualWeight)
	}
	return nil
}

// vqganStep holds the logged values of one optimisation step, under
// taming's names.
type vqganStep struct {
	TotalLoss, QuantLoss, NLLLoss, RecLoss, PLoss float64
	DWeight, DiscFactor, GLoss                    float64
	DiscLoss, LogitsReal, LogitsFake              float64
}

func (s vqganStep) logs() map[string]float64 {
	return map[string]float64{
		"total_loss": s.TotalLoss, "quant_loss": s.QuantLoss, "nll_loss": s.NLLLoss, "rec_loss": s.RecLoss,
		"p_loss": s.PLoss, "d_weight": s.DWeight, "disc_factor": s.DiscFactor, "g_loss": s.GLoss,
		"disc_loss": s.DiscLoss, "logits_real": s.LogitsReal, "logits_fake": s.LogitsFake,
	}
}

// vqganObjective runs taming's VQGAN training step on batches of one shape:
// the generator pass and its Adam step, a fresh forward through the updated
// autoencoder, then the discriminator pass and its Adam step.
type vqganObjective struct {
	cfg   vqgan.Config
	loss  VQGANLoss
	ae    *Params
	disc  *discriminator
	lpips *LPIPS
	// Codes are the codebook entries the last generator pass chose.
	Codes []int
	// Dropout, when set, draws LPIPS's train-mode dropout masks.
	Dropout *rand.Rand

	gen *genGraph
	dis *discGraph
}

// genGraph is the generator pass: the autoencoder, the codebook loss and
// the nll/GAN terms with the adaptive weight, differentiated for the
// autoencoder's parameters.
type genGraph struct {
	x      *G.Node
	m      G.VM
	params []*optim.Param
	scale  float32 // of the gradients added to params, set before each run
	total  *ops.Watched
	quant  *ops.Watched
	rec, z *ops.Watched // for pictures and codebook restarts
	head   *generatorHead
}

// discGraph is the discriminator pass on a fresh reconstruction.
type discGraph struct {
	x          *G.Node
	m          G.VM
	params     []*optim.Param
	scale      float32 // of the gradients added to params, set before each run
	loss       *ops.Watched
	real, fake *ops.Watched
}

func newVQGANObjective(cfg vqgan.Config, loss VQGANLoss, ae *Params, disc *discriminator, lpips *LPIPS, batch, size int) (*vqganObjective, error) {
	if err := loss.validate(); err != nil {
		return nil, err
	}
	if loss.PerceptualWeight > 0 && lpips == nil {
		return nil, fmt.Errorf("train: perceptual_weight is %g but there are no LPIPS weights", loss.PerceptualWeight)
	}
	o := &vqganObjective{cfg: cfg, loss: loss, ae: ae, disc: disc, lpips: lpips}
	var err error
	if o.gen, err = o.buildGenerator(batch, size); err != nil {
		return nil, err
	}
	if o.dis, err = o.buildDiscriminator(batch, size); err != nil {
		return nil, err
	}
	return o, nil
}

func imageShape(batch, c, size int) []int { return []int{batch, c, size, size} }

func (o *vqganObjective) buildGenerator(batch, size int) (*genGraph, error) {
	b := newBuilder()
	shape := imageShape(batch, o.cfg.DD.InChannels, size)
	x := b.input("x", shape...)
	ae := &autoencoder{cfg: o.cfg, ps: o.ae, b: b, codes: &o.Codes}
	out := ae.forward(x)
	head, err := o.newGeneratorHead(shape, out.lastInput.Shape())
	if err != nil {
		return nil, err
	}
	qloss := ops.VQLoss(out.z, out.codebook, o.cfg.Beta, true)
	gen := ops.Must(head, x, out.rec, out.lastInput)
	total := ops.Add(gen, ops.Scale(qloss, float32(o.loss.CodebookWeight)))
	if b.err != nil {
		return nil, b.err
	}
	params := o.ae.List()
	gs, err := G.Grad(total, b.nodesOf(params)...)
	if err != nil {
		return nil, fmt.Errorf("train: differentiating the generator loss: %w", err)
	}
	g := &genGraph{x: x, params: params, total: ops.Watch(total), quant: ops.Watch(qloss), head: head,
		rec: ops.Watch(out.rec), z: ops.Watch(out.z)}
	for i, n := range gs {
		ops.WatchFunc(n, addGradient(params[i], &g.scale))
	}
	g.m = G.NewTapeMachine(b.g)
	return g, nil
}

func (o *vqganObjective) buildDiscriminator(batch, size int) (*discGraph, error) {
	b := newBuilder()
	x := b.input("x", imageShape(batch, o.cfg.DD.InChannels, size)...)
	ae := &autoencoder{cfg: o.cfg, ps: o.ae, b: b}
	rec := ae.forward(x).rec
	real := o.disc.forward(b, x)
	fake := o.disc.forward(b, rec, real) // after the real pass, as taming runs them
	var loss *G.Node
	if o.loss.DiscLoss == "vanilla" {
		loss = ops.VanillaD(real, fake)
	} else {
		loss = ops.HingeD(real, fake)
	}
	if b.err != nil {
		return nil, b.err
	}
	params := o.disc.ps.List()
	gs, err := G.Grad(loss, b.nodesOf(params)...)
	if err != nil {
		return nil, fmt.Errorf("train: differentiating the discriminator loss: %w", err)
	}
	d := &discGraph{x: x, params: params, loss: ops.Watch(loss), real: ops.Watch(ops.Mean(real)), fake: ops.Watch(ops.Mean(fake))}
	for i, n := range gs {
		ops.WatchFunc(n, addGradient(params[i], &d.scale))
	}
	d.m = G.NewTapeMachine(b.g)
	return d, nil
}

// discFactor is taming's adopt_weight: no GAN terms before disc_start.
func (o *vqganObjective) discFactor(step int) float64 {
	if step < o.loss.DiscStart {
		return 0
	}
	return o.loss.DiscFactor
}

// generator runs the generator pass on x at the given global step and adds
// scale times its gradients to the autoencoder's parameters.
func (o *vqganObjective) generator(x *tensor.Dense, step int, scale float32, s *vqganStep) error {
	g := o.gen
	g.head.discFactor = o.discFactor(step)
	g.scale = scale
	if err := run(g.m, g.x, x); err != nil {
		return fmt.Errorf("train: generator pass: %w", err)
	}
	h := g.head
	s.TotalLoss, s.QuantLoss = float64(g.total.Scalar()), float64(g.quant.Scalar())
	s.NLLLoss, s.RecLoss, s.PLoss = h.nll, h.nll, h.pLoss
	s.DWeight, s.DiscFactor, s.GLoss = h.dWeight, h.discFactor, h.gLoss
	return nil
}

// discriminator runs the discriminator pass and adds scale times its
// gradients (times the disc factor, as taming's loss is) to D's parameters.
func (o *vqganObjective) discriminator(x *tensor.Dense, step int, scale float32, s *vqganStep) error {
	d := o.dis
	f := o.discFactor(step)
	d.scale = scale * float32(f)
	if err := run(d.m, d.x, x); err != nil {
		return fmt.Errorf("train: discriminator pass: %w", err)
	}
	s.DiscLoss = f * float64(d.loss.Scalar())
	s.LogitsReal, s.LogitsFake = float64(d.real.Scalar()), float64(d.fake.Scalar())
	return nil
}

// run feeds x to the graph's input and runs it once. Its results are read
// through Watch, so its memory goes back to the kernels' pool at the end.
func run(m G.VM, input *G.Node, x *tensor.Dense) error {
	if err := G.Let(input, x); err != nil {
		return err
	}
	defer ops.Recycle(input.Graph())
	defer m.Reset()
	return m.RunAll()
}

// accumulate adds scale times each watched gradient to its parameter's
// gradient (see addScaled).
func accumulate(params []*optim.Param, grads []*ops.Watched, scale float32) {
	for i, p := range params {
		addScaled(p, grads[i].Data(), scale)
	}
}

// addGradient is a WatchFunc that adds *scale times a gradient, while the
// graph runs, to p's gradient: the VQGAN passes' accumulate without Watch's
// copy.
func addGradient(p *optim.Param, scale *float32) func(*tensor.Dense) {
	return func(v *tensor.Dense) { addScaled(p, nn.Data(v), *scale) }
}

// addScaled adds scale times src to p's gradient, which is allocated on
// first use. A zero scale still allocates it: Adam steps a parameter with a
// zero gradient.
func addScaled(p *optim.Param, src []float32, scale float32) {
	if p.Gradient == nil {
		p.Gradient = nn.FromSlice(make([]float32, len(src)), p.Data.Shape()...)
	}
	dst := p.GradFloats()
	nn.For(len(src), 1<<14, func(lo, hi int) {
		d := dst[lo:hi]
		for j, v := range src[lo:hi] {
			d[j] += scale * v
		}
	})
}

// zeroGrads clears the parameters' gradients before a new step.
func zeroGrads(params []*optim.Param) {
	for _, p := range params {
		if p.Gradient != nil {
			clear(p.GradFloats())
		}
	}
}

// generatorHead is the generator's reconstruction and GAN terms as one op:
// nll + d_weight * disc_factor * g_loss. taming's adaptive weight needs the
// gradients of nll and of g_loss at decoder.conv_out.weight separately, and
// gorgonia's Grad cannot be taken twice over one graph (a second Grad
// reuses the derivatives the first left on shared nodes). So the two terms
// live in graphs of their own, differentiated with respect to the
// reconstruction; this op runs both, forms d_weight from their gradients
// pushed through conv_out's weight gradient, and hands the combined
// gradient back to the autoencoder's graph.
type generatorHead struct {
	nllGraph, gGraph *headGraph
	lastConv         *nn.Conv2d // decoder.conv_out's geometry, for its weight gradient
	discWeight       float64
	discFactor       float64 // set before each pass

	// Results of the last pass.
	nll, pLoss, gLoss, dWeight float64
	grad                       []float32 // d(nll + w*g)/d rec, our own copy
}

// headGraph is one loss over (x, rec), differentiated for rec.
type headGraph struct {
	x, rec *G.Node
	m      G.VM
	value  *ops.Watched
	extra  *ops.Watched // p_loss for the nll graph
	grad   *ops.Watched
}

func (o *vqganObjective) newGeneratorHead(image, last tensor.Shape) (*generatorHead, error) {
	c := last[1]
	h := &generatorHead{
		lastConv:   &nn.Conv2d{Out: o.cfg.DD.OutCh, In: c, KH: 3, KW: 3, Stride: 1, Pad: nn.Same(1)},
		discWeight: o.loss.DiscWeight,
	}

	b := newBuilder()
	nll := &headGraph{x: b.input("x", image...), rec: b.input("rec", image...)}
	value := ops.L1Mean(nll.x, nll.rec)
	if o.loss.PerceptualWeight > 0 {
		p := ops.Mean(o.lpips.Distance(nll.x, nll.rec, o.Dropout))
		nll.extra = ops.Watch(p)
		value = ops.Add(value, ops.Scale(p, float32(o.loss.PerceptualWeight)))
	}
	if err := nll.finish(b, value); err != nil {
		return nil, err
	}
	h.nllGraph = nll

	b = newBuilder()
	gg := &headGraph{rec: b.input("rec", image...)}
	logits := o.disc.forward(b, gg.rec)
	if err := gg.finish(b, ops.Scale(ops.Mean(logits), -1)); err != nil {
		return nil, err
	}
	h.gGraph = gg
	return h, nil
}

func (hg *headGraph) finish(b *builder, value *G.Node) error {
	if b.err != nil {
		return b.err
	}
	gs, err := G.Grad(value, hg.rec)
	if err != nil {
		return fmt.Errorf("train: differentiating a generator loss: %w", err)
	}
	hg.value, hg.grad = ops.Watch(value), ops.Watch(gs[0])
	hg.m = G.NewTapeMachine(b.g)
	return nil
}

func (hg *headGraph) run(x, rec *tensor.Dense) error {
	if hg.x != nil {
		if err := G.Let(hg.x, x); err != nil {
			return err
		}
	}
	if err := G.Let(hg.rec, rec); err != nil {
		return err
	}
	defer ops.Recycle(hg.rec.Graph())
	defer hg.m.Reset()
	return hg.m.RunAll()
}

func (h *generatorHead) Name() string { return "vqgan generator loss" }

func (h *generatorHead) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("want x, the reconstruction and conv_out's input, got %d inputs", len(in))
	}
	return tensor.ScalarShape(), nil
}

func (h *generatorHead) Differentiable(int) []bool { return []bool{false, true, false} }

func (h *generatorHead) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	x, rec, last := in[0], in[1], in[2]
	if err := h.nllGraph.run(x, rec); err != nil {
		return nil, err
	}
	if err := h.gGraph.run(nil, rec); err != nil {
		return nil, err
	}
	h.nll, h.gLoss = float64(h.nllGraph.value.Scalar()), float64(h.gGraph.value.Scalar())
	h.pLoss = 0
	if h.nllGraph.extra != nil {
		h.pLoss = float64(h.nllGraph.extra.Scalar())
	}
	gN, gG := h.nllGraph.grad.Tensor(), h.gGraph.grad.Tensor()
	nN, nG := h.lastWeightGradNorm(last, gN), h.lastWeightGradNorm(last, gG)
	h.dWeight = math.Min(math.Max(nN/(nG+1e-4), 0), 1e4) * h.discWeight
	factor := h.dWeight * h.discFactor
	h.grad = make([]float32, len(nn.Data(gN)))
	for i, v := range nn.Data(gN) {
		h.grad[i] = v + float32(factor)*nn.Data(gG)[i]
	}
	return ops.Scalar(float32(h.nll + factor*h.gLoss)), nil
}

// lastWeightGradNorm is |d loss/d decoder.conv_out.weight| for a loss whose
// gradient at the reconstruction is grad.
func (h *generatorHead) lastWeightGradNorm(last, grad *tensor.Dense) float64 {
	c := h.lastConv
	dw := make([]float32, c.Out*c.In*c.KH*c.KW)
	c.BackwardParams(last, grad, dw, nil)
	var s float64
	for _, v := range dw {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

func (h *generatorHead) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	up := nn.Data(grad)[0]
	g := make([]float32, len(h.grad))
	for i, v := range h.grad {
		g[i] = up * v
	}
	return []*tensor.Dense{nil, nn.FromSlice(g, in[1].Shape()...), nil}, nil
}
