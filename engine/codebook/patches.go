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
	d := NewPatchDecoder(m)
	for !d.Done() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := d.Step(); err != nil {
			return nil, err
		}
		if progress != nil {
			progress(d.Progress())
		}
	}
	return d.Patches(), nil
}

// patchBatch is how many entries one Step decodes.
const patchBatch = 64

// PatchDecoder decodes a codebook's entries a batch at a time, so that a
// job can stop between batches and carry on later (see jobs.ErrYield).
type PatchDecoder struct {
	m    *vqgan.Model
	out  *tensor.Dense
	next int // the first entry not decoded yet
}

// NewPatchDecoder prepares to decode every entry of m's codebook.
func NewPatchDecoder(m *vqgan.Model) *PatchDecoder {
	f, ch := m.Config.Factor(), m.Config.DD.OutCh
	return &PatchDecoder{m: m, out: nn.New(m.Quantizer.Vocab(), ch, f, f)}
}

// Done reports whether every entry is decoded.
func (d *PatchDecoder) Done() bool { return d.next >= d.m.Quantizer.Vocab() }

// Progress returns the entries decoded so far and their number in all.
func (d *PatchDecoder) Progress() (done, total int) { return d.next, d.m.Quantizer.Vocab() }

// Step decodes the next batch of entries.
func (d *PatchDecoder) Step() error {
	n := min(patchBatch, d.m.Quantizer.Vocab()-d.next)
	codes := make([]int, n)
	for i := range codes {
		codes[i] = d.next + i
	}
	img, err := d.m.DecodeTokens(codes, n, 1, 1)
	if err != nil {
		return err
	}
	per := len(nn.Data(d.out)) / d.m.Quantizer.Vocab()
	copy(nn.Data(d.out)[d.next*per:], nn.Data(img))
	nn.Recycle(img)
	d.next += n
	return nil
}

// Patches returns the decoded entries as a [vocab, out_ch, f, f] tensor.
func (d *PatchDecoder) Patches() *tensor.Dense { return d.out }
