package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// EmbeddingKernel looks up rows of a table [vocab, C] at Batch×Seq tokens,
// giving [Batch, Seq, C]. Tokens points at the token ids, which the caller
// fills before each run; the table is the only input with a gradient.
type EmbeddingKernel struct {
	Tokens     *[]int
	Batch, Seq int
}

// Embedding adds table[tokens] to the graph as [batch, seq, C].
func Embedding(table *G.Node, tokens *[]int, batch, seq int) *G.Node {
	return Must(&EmbeddingKernel{Tokens: tokens, Batch: batch, Seq: seq}, table)
}

func (k *EmbeddingKernel) Name() string { return "embedding" }

func (k *EmbeddingKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 1 || in[0].Dims() != 2 {
		return nil, fmt.Errorf("want one table [vocab, C], got %v", in)
	}
	if k.Batch <= 0 || k.Seq <= 0 {
		return nil, fmt.Errorf("batch %d and sequence length %d must be positive", k.Batch, k.Seq)
	}
	return tensor.Shape{k.Batch, k.Seq, in[0][1]}, nil
}

func (k *EmbeddingKernel) Differentiable(inputs int) []bool { return all(inputs) }

// tokens checks the current token ids against the table.
func (k *EmbeddingKernel) tokens(vocab int) ([]int, error) {
	toks := *k.Tokens
	if len(toks) != k.Batch*k.Seq {
		return nil, fmt.Errorf("%d tokens for a batch of %d sequences of %d", len(toks), k.Batch, k.Seq)
	}
	for i, tok := range toks {
		if tok < 0 || tok >= vocab {
			return nil, fmt.Errorf("token %d at batch %d position %d is outside the table's 0..%d", tok, i/k.Seq, i%k.Seq, vocab-1)
		}
	}
	return toks, nil
}

func (k *EmbeddingKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	vocab, c := in[0].Shape()[0], in[0].Shape()[1]
	toks, err := k.tokens(vocab)
	if err != nil {
		return nil, err
	}
	table := nn.Data(in[0])
	out := make([]float32, len(toks)*c)
	for r, tok := range toks {
		copy(out[r*c:(r+1)*c], table[tok*c:(tok+1)*c])
	}
	return nn.FromSlice(out, k.Batch, k.Seq, c), nil
}

// Backward scatter-adds the output gradient's rows into the rows of the
// table they came from; each core owns a range of columns, so no two write
// one element and the order of additions is fixed.
func (k *EmbeddingKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	vocab, c := in[0].Shape()[0], in[0].Shape()[1]
	toks, err := k.tokens(vocab)
	if err != nil {
		return nil, err
	}
	dT := zerosLike(in[0])
	d, dy := nn.Data(dT), nn.Data(grad)
	nn.For(c, 32, func(lo, hi int) {
		for r, tok := range toks {
			dst, src := d[tok*c+lo:tok*c+hi], dy[r*c+lo:r*c+hi]
			for i, v := range src {
				dst[i] += v
			}
		}
	})
	return []*tensor.Dense{dT}, nil
}

// AddPositionsKernel adds learned position embeddings pos [1, block, C] to
// x [B, T, C]: x + pos[0, :T, :].
type AddPositionsKernel struct{}

// AddPositions adds x + pos[:, :T] to the graph.
func AddPositions(x, pos *G.Node) *G.Node { return Must(AddPositionsKernel{}, x, pos) }

func (AddPositionsKernel) Name() string { return "add_positions" }

func (AddPositionsKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("want x and pos, got %d inputs", len(in))
	}
	x, p := in[0], in[1]
	if x.Dims() != 3 || p.Dims() != 3 || p[0] != 1 || p[2] != x[2] || p[1] < x[1] {
		return nil, fmt.Errorf("want x [B, T, C] and pos [1, block >= T, C], got %v and %v", x, p)
	}
	return x.Clone(), nil
}

func (AddPositionsKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (AddPositionsKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	out := in[0].Clone().(*tensor.Dense)
	o, pos := nn.Data(out), nn.Data(in[1])
	s := in[0].Shape()
	span := s[1] * s[2]
	for b := 0; b < s[0]; b++ {
		nn.AddInPlace(o[b*span:(b+1)*span], pos[:span])
	}
	return out, nil
}

func (AddPositionsKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	dx := grad.Clone().(*tensor.Dense)
	dpT := zerosLike(in[1])
	dp, dy := nn.Data(dpT), nn.Data(grad)
	s := in[0].Shape()
	span := s[1] * s[2]
	for b := 0; b < s[0]; b++ {
		nn.AddInPlace(dp[:span], dy[b*span:(b+1)*span])
	}
	return []*tensor.Dense{dx, dpT}, nil
}
