package train

import (
	"fmt"
	"hash/fnv"
	"math/rand"
	"strings"

	G "gorgonia.org/gorgonia"

	"tessera/engine/gpt"
	"tessera/engine/train/ops"
	"tessera/engine/train/optim"
)

// gptPrefix is where a Net2Net checkpoint keeps the transformer's weights.
const gptPrefix = "transformer."

// gptObjective is the Net2NetTransformer's training loss for one batch
// shape: the conditioning tokens and the (possibly corrupted) image tokens
// go through minGPT, and the logits at the image positions are scored
// against the clean image tokens with cross-entropy. The graph is built
// once; each run feeds new tokens.
type gptObjective struct {
	cfg                      gpt.Config
	batch, condLen, imageLen int

	tokens  []int // the GPT's input, [batch, condLen+imageLen-1]
	targets []int // the image tokens, [batch, imageLen]

	m      G.VM
	params []*optim.Param
	grads  []*ops.Watched
	loss   *ops.Watched
}

// newGPTObjective builds minGPT's training graph over the parameters in ps
// (keyed "transformer.…" as in a Net2Net checkpoint) for batches of batch
// sequences of condLen conditioning and imageLen image tokens.
func newGPTObjective(ps *Params, cfg gpt.Config, batch, condLen, imageLen int) (*gptObjective, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	seq := condLen + imageLen - 1
	switch {
	case batch <= 0 || condLen <= 0 || imageLen <= 0:
		return nil, fmt.Errorf("train: a GPT batch needs positive sizes, got batch %d, %d conditioning and %d image tokens", batch, condLen, imageLen)
	case seq > cfg.BlockSize:
		return nil, fmt.Errorf("train: %d conditioning and %d image tokens need a block of %d, the GPT has %d", condLen, imageLen, seq, cfg.BlockSize)
	}
	o := &gptObjective{cfg: cfg, batch: batch, condLen: condLen, imageLen: imageLen,
		tokens: make([]int, batch*seq), targets: make([]int, batch*imageLen)}
	b := newBuilder()
	p := func(key string, shape ...int) *G.Node { return b.param(ps, gptPrefix+key, shape...) }
	c, v := cfg.NEmbd, cfg.VocabSize
	linear := func(name string, x *G.Node, in, out int) *G.Node {
		return ops.Linear(x, p(name+".weight", out, in), p(name+".bias", out))
	}
	norm := func(name string, x *G.Node) *G.Node {
		return ops.LayerNorm(x, p(name+".weight", c), p(name+".bias", c), 1e-5)
	}

	// The state_dict's order: pos_emb first, then tok_emb.
	pos := p("pos_emb", 1, cfg.BlockSize, c)
	x := ops.AddPositions(ops.Embedding(p("tok_emb.weight", v, c), &o.tokens, batch, seq), pos)
	for l := 0; l < cfg.NLayer; l++ {
		blk := join("blocks", l)
		h := norm(blk+".ln1", x)
		att := ops.CausalSelfAttention(
			linear(blk+".attn.query", h, c, c), linear(blk+".attn.key", h, c, c), linear(blk+".attn.value", h, c, c), cfg.NHead)
		x = ops.Add(x, linear(blk+".attn.proj", att, c, c))
		h = norm(blk+".ln2", x)
		x = ops.Add(x, linear(blk+".mlp.2", ops.GELU(linear(blk+".mlp.0", h, c, 4*c)), 4*c, c))
	}
	// Only the positions that predict image tokens reach the loss; ln_f and
	// the head act per position, so the others can stop here.
	if condLen > 1 {
		x = ops.SliceSeq(x, condLen-1)
	}
	logits := ops.Linear(norm("ln_f", x), p("head.weight", v, c), nil)
	cost := ops.CrossEntropy(logits, &o.targets)
	if b.err != nil {
		return nil, b.err
	}

	for _, prm := range ps.List() {
		if _, ok := b.nodes[prm]; ok {
			o.params = append(o.params, prm)
		}
	}
	nodes := b.nodesOf(o.params)
	grads, err := G.Grad(cost, nodes...)
	if err != nil {
		return nil, fmt.Errorf("train: differentiating the GPT loss: %w", err)
	}
	for _, g := range grads {
		o.grads = append(o.grads, ops.Watch(g))
	}
	o.loss = ops.Watch(cost)
	o.m = G.NewTapeMachine(b.g)
	return o, nil
}

// run computes the loss for cond [batch, condLen] and image [batch,
// imageLen] tokens (row-major) and adds scale times d loss/d parameter to
// each parameter's Gradient. With pkeep < 1 each image token of the input
// is, with probability 1 - pkeep, replaced by a random token drawn from
// rng, as taming does while training; the targets stay the real tokens.
func (o *gptObjective) run(cond, image []int, pkeep float64, rng *rand.Rand, scale float32) (float32, error) {
	if len(cond) != o.batch*o.condLen || len(image) != o.batch*o.imageLen {
		return 0, fmt.Errorf("train: %d conditioning and %d image tokens for a batch of %d×(%d+%d)",
			len(cond), len(image), o.batch, o.condLen, o.imageLen)
	}
	if pkeep < 1 && rng == nil {
		return 0, fmt.Errorf("train: pkeep %g needs a random source", pkeep)
	}
	seq := o.condLen + o.imageLen - 1
	for b := 0; b < o.batch; b++ {
		in := o.tokens[b*seq : (b+1)*seq]
		copy(in, cond[b*o.condLen:(b+1)*o.condLen])
		// The input drops the last image token: nothing comes after it.
		for i, tok := range image[b*o.imageLen : (b+1)*o.imageLen-1] {
			if pkeep < 1 {
				keep := rng.Float64() < pkeep
				r := rng.Intn(o.cfg.VocabSize)
				if !keep {
					tok = r
				}
			}
			in[o.condLen+i] = tok
		}
	}
	copy(o.targets, image)
	defer o.m.Reset()
	if err := o.m.RunAll(); err != nil {
		return 0, fmt.Errorf("train: GPT pass: %w", err)
	}
	accumulate(o.params, o.grads, scale)
	return o.loss.Scalar(), nil
}

// Close releases the graph's machine.
func (o *gptObjective) Close() error { return o.m.Close() }

// markGPTDecay puts minGPT's Linear weights in AdamW's weight-decay group;
// biases, LayerNorm weights, the token embedding and pos_emb stay out, as
// minGPT's configure_optimizers groups them.
func markGPTDecay(ps *Params) {
	for _, p := range ps.List() {
		p.Decay = isGPTLinearWeight(p.Name)
	}
}

func isGPTLinearWeight(key string) bool {
	if key == gptPrefix+"head.weight" {
		return true
	}
	for _, s := range []string{".attn.query.weight", ".attn.key.weight", ".attn.value.weight", ".attn.proj.weight", ".mlp.0.weight", ".mlp.2.weight"} {
		if strings.HasSuffix(key, s) {
			return true
		}
	}
	return false
}

// gptInit is a weights.Source with a fresh minGPT as _init_weights makes
// it: Linear and Embedding weights N(0, 0.02), Linear biases 0, LayerNorm
// weights 1 and biases 0, pos_emb 0. Values depend only on the seed and
// the key.
type gptInit struct{ Seed int64 }

func (g gptInit) Name() string { return fmt.Sprintf("a fresh GPT (seed %d)", g.Seed) }

// Has reports every key but the causal-mask buffers, which minGPT derives.
func (g gptInit) Has(key string) bool { return !strings.HasSuffix(key, ".attn.mask") }

func (g gptInit) Keys() []string { return nil }

func (g gptInit) Int64(key string) ([]int64, []int, error) {
	return nil, nil, fmt.Errorf("train: a fresh GPT has no integer buffer %s", key)
}

func (g gptInit) Float32(key string, shape []int) ([]float32, error) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	out := make([]float32, n)
	switch {
	case strings.HasSuffix(key, "pos_emb"), strings.HasSuffix(key, ".bias"):
	case strings.Contains(key, ".ln1.") || strings.Contains(key, ".ln2.") || strings.Contains(key, "ln_f."):
		for i := range out {
			out[i] = 1
		}
	default:
		h := fnv.New64a()
		h.Write([]byte(key))
		r := rand.New(rand.NewSource(g.Seed ^ int64(h.Sum64())))
		for i := range out {
			out[i] = float32(0.02 * r.NormFloat64())
		}
	}
	return out, nil
}
