// Package codebook looks inside a VQGAN's learned codebook: each entry
// decoded as an image patch, the entries laid out as a labelled atlas, usage
// statistics over token grids, a 2-D map of the code vectors and nearest
// neighbours.
package codebook

import (
	"context"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/vqgan"
)

// Patches decodes every codebook entry on its own, as a one-token latent, and
// returns them as a [vocab, out_ch, f, f] tensor (f the downsampling factor).
// Entries are decoded in batches; progress, if set, is called after each.
func Patches(ctx context.Context, m *vqgan.Model, progress func(done, total int)) (*tensor.Dense, error) {
	const batch = 64
	vocab, f, ch := m.Quantizer.Vocab(), m.Config.Factor(), m.Config.DD.OutCh
	out := nn.New(vocab, ch, f, f)
	od := nn.Data(out)
	per := ch * f * f
	for start := 0; start < vocab; start += batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := min(batch, vocab-start)
		codes := make([]int, n)
		for i := range codes {
			codes[i] = start + i
		}
		img, err := m.DecodeTokens(codes, n, 1, 1)
		if err != nil {
			return nil, err
		}
		copy(od[start*per:], nn.Data(img))
		nn.Recycle(img)
		if progress != nil {
			progress(start+n, vocab)
		}
	}
	return out, nil
}
