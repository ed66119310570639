package vqgan

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/nn/blas"
	"tessera/engine/weights"
)

// Quantizer maps latent vectors to codebook indices and back.
//
// The vector quantiser picks the nearest entry by squared distance, first
// index on ties, like VectorQuantizer2. The Gumbel quantiser takes the argmax
// of its projected logits: taming adds Gumbel noise even in eval mode, which
// makes its encoding random; Tessera encodes deterministically instead.
//
// With a remap buffer (quantize.used) tokens are positions in that list.
// Taming maps a nearest entry outside the list to a random token; Tessera
// searches only the listed entries, which is deterministic and never worse.
type Quantizer struct {
	kind  string
	n     int       // codebook entries
	dim   int       // entry width
	embed []float32 // [n, dim]
	book  []float32 // [Vocab, dim]: the entries tokens choose among (embed, or the remap list's rows)
	proj  *nn.Conv2d
	used  []int64 // remap: token -> codebook row
	beta  float32
}

func loadQuantizer(l *weights.Loader, cfg Config) *Quantizer {
	q := &Quantizer{kind: cfg.Quantizer, n: cfg.NEmbed, dim: cfg.EmbedDim, beta: cfg.Beta}
	if cfg.Quantizer == GumbelQuantizer {
		p := conv(l.Sub("proj."), cfg.DD.ZChannels, cfg.NEmbed, 1, 1, nn.Padding{})
		q.proj = &p
		q.embed = l.Get("embed.weight", cfg.NEmbed, cfg.EmbedDim)
	} else {
		q.embed = l.Get("embedding.weight", cfg.NEmbed, cfg.EmbedDim)
	}
	if l.Has("used") {
		q.used = l.Int64("used")
	}
	if l.Err() != nil {
		return q
	}
	q.book = q.embed
	if q.used != nil {
		q.book, _ = q.Codebook()
	}
	return q
}

// Vocab is the number of distinct tokens: the codebook size, or the length
// of the remap list.
func (q *Quantizer) Vocab() int {
	if q.used != nil {
		return len(q.used)
	}
	return q.n
}

// Entry returns the codebook vector a token stands for.
func (q *Quantizer) Entry(token int) []float32 {
	row := token
	if q.used != nil {
		row = 0 // taming's unmap sends tokens past the list to row used[0]
		if token < len(q.used) {
			row = token
		}
		row = int(q.used[row])
	}
	return q.embed[row*q.dim : (row+1)*q.dim]
}

// Codebook returns the entry vectors in token order, [Vocab, dim].
func (q *Quantizer) Codebook() ([]float32, int) {
	out := make([]float32, 0, q.Vocab()*q.dim)
	for t := 0; t < q.Vocab(); t++ {
		out = append(out, q.Entry(t)...)
	}
	return out, q.dim
}

// candidates lists the codebook rows a token may come from.
func (q *Quantizer) candidates() []int {
	rows := make([]int, q.Vocab())
	for t := range rows {
		rows[t] = t
		if q.used != nil {
			rows[t] = int(q.used[t])
		}
	}
	return rows
}

// tokens returns one token per position of z ([B, C, H, W]) in raster order.
func (q *Quantizer) tokens(z *tensor.Dense) []int {
	if q.kind == GumbelQuantizer {
		return q.gumbelTokens(z)
	}
	return Nearest(z, q.book, q.Vocab(), q.dim)
}

// Nearest returns, for each position of z ([B, dim, H, W]) in raster order,
// the index of the nearest of the n rows of codebook ([n, dim]) by squared
// distance, the first index on ties, as VectorQuantizer2's argmin picks it.
// Training's quantizer calls it too, so both stages pick the same entries.
func Nearest(z *tensor.Dense, codebook []float32, n, dim int) []int {
	b, c, h, w := nn.Dims4(z)
	if c != dim || len(codebook) != n*dim {
		panic(fmt.Sprintf("vqgan: nearest entry for a latent of shape %v in a %dx%d codebook of %d values", z.Shape(), n, dim, len(codebook)))
	}
	sq := make([]float32, n)
	for r := range sq {
		var s float32
		for _, v := range codebook[r*dim : (r+1)*dim] {
			s += v * v
		}
		sq[r] = s
	}
	hw := h * w
	zd := nn.Data(z)
	// scores[p, r] = z_p · e_r; distance = |e_r|² - 2 z_p·e_r (+|z_p|², constant per p).
	scores := make([]float32, hw*n)
	out := make([]int, b*hw)
	for bi := 0; bi < b; bi++ {
		blas.Sgemm(true, true, hw, n, dim, 1, zd[bi*dim*hw:(bi+1)*dim*hw], hw, codebook, dim, 0, scores, n)
		nn.For(hw, 16, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				best, bestD := 0, float32(math.Inf(1))
				for r, s := range scores[p*n : (p+1)*n] {
					if d := sq[r] - 2*s; d < bestD {
						best, bestD = r, d
					}
				}
				out[bi*hw+p] = best
			}
		})
	}
	return out
}

func (q *Quantizer) gumbelTokens(z *tensor.Dense) []int {
	logits := q.proj.Forward(z)
	n, c, h, w := nn.Dims4(logits)
	ld := nn.Data(logits)
	hw := h * w
	rows := q.candidates()
	out := make([]int, n*hw)
	for b := 0; b < n; b++ {
		for p := 0; p < hw; p++ {
			best, bestV := 0, float32(math.Inf(-1))
			for t, r := range rows {
				if v := ld[(b*c+r)*hw+p]; v > bestV {
					best, bestV = t, v
				}
			}
			out[b*hw+p] = best
		}
	}
	return out
}

// Embed turns tokens in raster order into a [b, dim, h, w] latent.
func (q *Quantizer) Embed(tokens []int, b, h, w int) (*tensor.Dense, error) {
	if len(tokens) != b*h*w {
		return nil, fmt.Errorf("vqgan: %d tokens for a %dx%dx%d grid", len(tokens), b, h, w)
	}
	out := nn.New(b, q.dim, h, w)
	od := nn.Data(out)
	hw := h * w
	for i, t := range tokens {
		if t < 0 || t >= q.Vocab() {
			return nil, fmt.Errorf("vqgan: token %d at position %d is outside the codebook (0..%d)", t, i%hw, q.Vocab()-1)
		}
		bi, p := i/hw, i%hw
		for c, v := range q.Entry(t) {
			od[(bi*q.dim+c)*hw+p] = v
		}
	}
	return out, nil
}

// loss is the quantisation loss of taming's VectorQuantizer2 in its forward
// value: mse(z_q, z) + beta*mse(z_q, z), whichever term carries beta.
func (q *Quantizer) loss(z, zq *tensor.Dense) float32 {
	if q.kind == GumbelQuantizer {
		return 0
	}
	a, b := nn.Data(z), nn.Data(zq)
	var s float64
	for i := range a {
		d := float64(b[i] - a[i])
		s += d * d
	}
	return float32((1 + float64(q.beta)) * s / float64(len(a)))
}
