// Package gpt is taming-transformers' minGPT: token and position embeddings,
// pre-norm transformer blocks with causal multi-head attention and an exact-erf
// GELU MLP, a final layer norm and a bias-free head. A key/value cache lets a
// sampler feed one token at a time without recomputing the prefix.
package gpt

import (
	"fmt"
	"math"
	"strconv"

	"tessera/engine/nn"
	"tessera/engine/nn/blas"
	"tessera/engine/weights"
)

// Config is the transformer_config block of a taming YAML file.
type Config struct {
	VocabSize int `yaml:"vocab_size" json:"vocab_size"`
	BlockSize int `yaml:"block_size" json:"block_size"`
	NLayer    int `yaml:"n_layer" json:"n_layer"`
	NHead     int `yaml:"n_head" json:"n_head"`
	NEmbd     int `yaml:"n_embd" json:"n_embd"`
	NUnmasked int `yaml:"n_unmasked" json:"n_unmasked,omitempty"`
}

// Validate checks the sizes the network needs.
func (c Config) Validate() error {
	switch {
	case c.VocabSize <= 0 || c.BlockSize <= 0 || c.NLayer <= 0 || c.NHead <= 0 || c.NEmbd <= 0:
		return fmt.Errorf("gpt: config needs positive vocab_size, block_size, n_layer, n_head and n_embd (got %+v)", c)
	case c.NEmbd%c.NHead != 0:
		return fmt.Errorf("gpt: n_embd %d is not divisible by n_head %d", c.NEmbd, c.NHead)
	case c.NUnmasked != 0:
		return fmt.Errorf("gpt: n_unmasked=%d (a bidirectional prefix) is not supported; no published config uses it", c.NUnmasked)
	}
	return nil
}

// Window returns the edge e of the square token window the transformer can
// attend to: the largest e whose sequence — the conditioning tokens, then
// e*e image tokens less the last — fits the block. Spatial conditioning
// brings an e*e crop of its own grid (e = sqrt((block+1)/2), 16 for block
// 512); class and unconditional models bring one token (e = sqrt(block), 16
// for block 256).
func (c Config) Window(spatial bool) int {
	if spatial {
		return int(math.Sqrt(float64(c.BlockSize+1) / 2))
	}
	return int(math.Sqrt(float64(c.BlockSize)))
}

type block struct {
	ln1, ln2 nn.LayerNorm
	qkv      nn.Linear // query, key and value projections stacked into one [3C, C] matrix
	proj     nn.Linear
	fc, out  nn.Linear // mlp.0 and mlp.2
}

// Model is a loaded GPT.
type Model struct {
	Config Config
	posEmb []float32 // [block, C]
	tokEmb []float32 // [vocab, C]
	blocks []block
	lnF    nn.LayerNorm
	head   nn.Linear
	Params int64
}

// Load builds a GPT from the weights under prefix ("transformer." in a
// Net2Net checkpoint). The causal-mask buffers are ignored: the mask is implied.
func Load(src weights.Source, prefix string, cfg Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	l := weights.NewLoader(src, prefix)
	c, v := cfg.NEmbd, cfg.VocabSize
	m := &Model{
		Config: cfg,
		posEmb: l.Get("pos_emb", 1, cfg.BlockSize, c),
		tokEmb: l.Get("tok_emb.weight", v, c),
		lnF:    layerNorm(l.Sub("ln_f."), c),
		head:   nn.Linear{Weight: l.Get("head.weight", v, c), In: c, Out: v},
	}
	for i := 0; i < cfg.NLayer; i++ {
		bl := l.Sub("blocks." + strconv.Itoa(i) + ".")
		b := block{
			ln1:  layerNorm(bl.Sub("ln1."), c),
			ln2:  layerNorm(bl.Sub("ln2."), c),
			proj: linear(bl.Sub("attn.proj."), c, c),
			fc:   linear(bl.Sub("mlp.0."), c, 4*c),
			out:  linear(bl.Sub("mlp.2."), 4*c, c),
		}
		q, k, vv := linear(bl.Sub("attn.query."), c, c), linear(bl.Sub("attn.key."), c, c), linear(bl.Sub("attn.value."), c, c)
		b.qkv = nn.Linear{In: c, Out: 3 * c,
			Weight: concat(q.Weight, k.Weight, vv.Weight),
			Bias:   concat(q.Bias, k.Bias, vv.Bias)}
		m.blocks = append(m.blocks, b)
	}
	if err := l.CheckAllUsed("attn.mask"); err != nil {
		return nil, fmt.Errorf("gpt: %w", err)
	}
	m.Params = l.Count()
	return m, nil
}

func layerNorm(l *weights.Loader, c int) nn.LayerNorm {
	return nn.LayerNorm{C: c, Eps: 1e-5, Weight: l.Get("weight", c), Bias: l.Get("bias", c)}
}

func linear(l *weights.Loader, in, out int) nn.Linear {
	return nn.Linear{Weight: l.Get("weight", out, in), Bias: l.Get("bias", out), In: in, Out: out}
}

func concat(parts ...[]float32) []float32 {
	var out []float32
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Cache holds the keys and values of every position fed so far, per layer,
// for a fixed batch size.
type Cache struct {
	batch, cap, len int
	k, v            [][]float32 // per layer: [batch, heads, cap, headDim]
}

// NewCache makes an empty cache for batch sequences of up to capacity positions.
func (m *Model) NewCache(batch, capacity int) *Cache {
	c := &Cache{batch: batch, cap: capacity}
	size := batch * capacity * m.Config.NEmbd
	for range m.blocks {
		c.k = append(c.k, make([]float32, size))
		c.v = append(c.v, make([]float32, size))
	}
	return c
}

// Len is the number of positions already in the cache.
func (c *Cache) Len() int { return c.len }

// Truncate forgets every position from n on, so a sampler can rewind.
func (c *Cache) Truncate(n int) {
	if n < c.len {
		c.len = n
	}
}

// Forward feeds t new tokens per sequence (tokens is [batch, t] row-major)
// after the positions already cached, and returns the logits at the new
// positions listed in want (indices into [0, t); nil means all), as
// [batch, len(want), vocab]. With an empty cache this is the ordinary causal
// forward pass.
func (m *Model) Forward(c *Cache, tokens []int, t int, want []int) ([]float32, error) {
	cfg := m.Config
	B, C := c.batch, cfg.NEmbd
	if t <= 0 || len(tokens) != B*t {
		return nil, fmt.Errorf("gpt: %d tokens for a batch of %d sequences of %d", len(tokens), B, t)
	}
	if c.len+t > min(c.cap, cfg.BlockSize) {
		return nil, fmt.Errorf("gpt: %d positions exceed the context of %d", c.len+t, min(c.cap, cfg.BlockSize))
	}
	x := make([]float32, B*t*C)
	for r, tok := range tokens {
		if tok < 0 || tok >= cfg.VocabSize {
			return nil, fmt.Errorf("gpt: token %d at position %d is outside the vocabulary 0..%d", tok, r%t, cfg.VocabSize-1)
		}
		pos := c.len + r%t
		row, te, pe := x[r*C:(r+1)*C], m.tokEmb[tok*C:(tok+1)*C], m.posEmb[pos*C:(pos+1)*C]
		for i := range row {
			row[i] = te[i] + pe[i]
		}
	}
	s := newScratch(B*t, C)
	for li := range m.blocks {
		m.blocks[li].forward(x, s, c, li, t, cfg.NHead)
	}
	c.len += t
	if want == nil {
		want = make([]int, t)
		for i := range want {
			want[i] = i
		}
	}
	sel := make([]float32, 0, B*len(want)*C)
	for b := 0; b < B; b++ {
		for _, p := range want {
			if p < 0 || p >= t {
				return nil, fmt.Errorf("gpt: wanted position %d outside the %d fed", p, t)
			}
			sel = append(sel, x[(b*t+p)*C:(b*t+p+1)*C]...)
		}
	}
	rows := B * len(want)
	m.lnF.Forward(sel, sel)
	logits := make([]float32, rows*cfg.VocabSize)
	m.head.Forward(logits, sel, rows)
	return logits, nil
}

// scratch holds the per-call work buffers shared by the blocks.
type scratch struct {
	h, qkv, att, mlp []float32
}

func newScratch(rows, c int) *scratch {
	return &scratch{h: make([]float32, rows*c), qkv: make([]float32, rows*3*c), att: make([]float32, rows*c), mlp: make([]float32, rows*4*c)}
}

func (b *block) forward(x []float32, s *scratch, c *Cache, layer, t, heads int) {
	rows := len(x) / b.ln1.C
	C := b.ln1.C
	b.ln1.Forward(s.h, x)
	b.qkv.Forward(s.qkv, s.h, rows)
	attend(s.qkv, s.att, c, layer, t, heads, C)
	b.proj.Forward(s.h, s.att, rows)
	nn.AddInPlace(x, s.h)
	b.ln2.Forward(s.h, x)
	b.fc.Forward(s.mlp, s.h, rows)
	nn.GELU(s.mlp)
	b.out.Forward(s.h, s.mlp, rows)
	nn.AddInPlace(x, s.h)
}

// attend appends the new keys and values to the cache and computes causal
// attention for the t new positions of each sequence into out ([B*t, C]).
func attend(qkv, out []float32, c *Cache, layer, t, heads, C int) {
	hs := C / heads
	kc, vc := c.k[layer], c.v[layer]
	for bh := 0; bh < c.batch*heads; bh++ {
		b, h := bh/heads, bh%heads
		base := bh * c.cap * hs
		for i := 0; i < t; i++ {
			row := qkv[(b*t+i)*3*C:]
			copy(kc[base+(c.len+i)*hs:base+(c.len+i+1)*hs], row[C+h*hs:C+(h+1)*hs])
			copy(vc[base+(c.len+i)*hs:base+(c.len+i+1)*hs], row[2*C+h*hs:2*C+(h+1)*hs])
		}
	}
	if t >= gemmRows {
		attendGEMM(qkv, out, c, layer, t, heads, C)
		return
	}
	scale := float32(1 / math.Sqrt(float64(hs)))
	nn.For(c.batch*heads, 1, func(lo, hi int) {
		scores := make([]float32, c.len+t)
		for bh := lo; bh < hi; bh++ {
			b, h := bh/heads, bh%heads
			base := bh * c.cap * hs
			for i := 0; i < t; i++ {
				r := b*t + i
				seen := c.len + i + 1 // causal: position len+i sees keys 0..len+i
				sc := scores[:seen]
				// One query row against the cached keys, then the values
				// weighted: one-row products, which the engine's kernels
				// run without packing the cache.
				blas.Sgemm(false, true, 1, seen, hs, scale, qkv[r*3*C+h*hs:], 3*C, kc[base:], hs, 0, sc, seen)
				nn.Softmax(sc)
				blas.Sgemm(false, false, 1, hs, seen, 1, sc, seen, vc[base:], hs, 0, out[r*C+h*hs:], C)
			}
		}
	})
}

// gemmRows is the number of new positions from which attention is worth
// doing as matrix products rather than per-row loops.
const gemmRows = 8

// attendGEMM is attend for many new positions at once: scores = Q·Kᵀ for a
// whole head, a causal mask, a row softmax, then scores·V.
func attendGEMM(qkv, out []float32, c *Cache, layer, t, heads, C int) {
	hs := C / heads
	total := c.len + t
	scale := float32(1 / math.Sqrt(float64(hs)))
	scores := make([]float32, t*total)
	for bh := 0; bh < c.batch*heads; bh++ {
		b, h := bh/heads, bh%heads
		base := bh * c.cap * hs
		q := qkv[b*t*3*C+h*hs:]
		blas.Sgemm(false, true, t, total, hs, scale, q, 3*C, c.k[layer][base:], hs, 0, scores, total)
		nn.For(t, 8, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				row := scores[i*total : (i+1)*total]
				seen := c.len + i + 1 // causal: later keys get zero weight
				nn.Softmax(row[:seen])
				clear(row[seen:])
			}
		})
		blas.Sgemm(false, false, t, hs, total, 1, scores, total, c.v[layer][base:], hs, 0, out[b*t*C+h*hs:], C)
	}
}
