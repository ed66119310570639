package vqgan

import (
	"math"

	"tessera/engine/nn"
)

// convScratch is an allowance for the convolutions' scratch buffers beside
// the feature maps: a Winograd block (24 MiB), an im2col band (8 MiB),
// packed weights and tap tables.
const convScratch = 64 << 20

// EncodeBytes estimates the peak memory of Encode for a w×h input (the
// batch of one that the pipeline encodes), in bytes, saturating at
// math.MaxInt64: the input, and at the level that needs most, its live
// feature maps — a residual block's input, hidden map and output, and room
// for a recycled one (four), or where attention runs its input, normalised map, q, k, v and output
// (six) plus one block of scores (nn.AttentionScratch) — and the
// convolutions' scratch. The latent, its codes and the codebook vectors
// come on top.
func (m *Model) EncodeBytes(w, h int) int64 {
	d := m.Config.DD
	if w <= 0 || h <= 0 {
		return 0
	}
	px := float64(w) * float64(h)
	input := 4 * px * float64(d.InChannels)
	peak := 4 * px * float64(d.Ch) // conv_in's output
	res, in := d.Resolution, d.Ch
	for i := range d.ChMult {
		out := d.channels(i)
		c := float64(max(in, out))
		level := 4 * 4 * px * c
		if d.attnAt(res) {
			level = 6*4*px*c + float64(nn.AttentionScratch(int(min(px, math.MaxInt32))))
		}
		peak = max(peak, level)
		if i < len(d.ChMult)-1 {
			peak = max(peak, 4*float64(out)*(px+px/4)) // the downsampling conv's input and output
			px /= 4
			res /= 2
		} else {
			// The middle: block, attention, block at the lowest resolution.
			peak = max(peak, 6*4*px*float64(out)+float64(nn.AttentionScratch(int(min(px, math.MaxInt32)))))
		}
		in = out
	}
	z := float64(d.ZChannels)
	if d.DoubleZ {
		z *= 2
	}
	latent := px * (4*z + 8*float64(m.Config.EmbedDim) + 8) // z, quant_conv's output, the codebook vectors and the codes
	total := input + peak + latent + convScratch
	if total >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(total)
}
