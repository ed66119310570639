package vqgan

import (
	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/weights"
)

// level is one resolution level: resnet blocks, each optionally followed by
// attention, and a resampling conv between levels.
type level struct {
	blocks   []*resnetBlock
	attns    []*attnBlock
	resample *nn.Conv2d
}

// forward runs the level's blocks, which own their inputs. Every activation
// between a stage's first and last layer is the stage's own, so recycling
// them keeps a large decode's memory near its live set.
func (lv *level) forward(h *tensor.Dense) *tensor.Dense {
	for j, b := range lv.blocks {
		h = b.forward(h)
		if lv.attns != nil {
			h = lv.attns[j].forward(h)
		}
	}
	return h
}

// middle is block_1, attn_1, block_2 at the lowest resolution.
type middle struct {
	block1, block2 *resnetBlock
	attn           *attnBlock
}

func loadMiddle(l *weights.Loader, c int) middle {
	return middle{block1: loadResnet(l.Sub("block_1."), c, c), attn: loadAttn(l.Sub("attn_1."), c), block2: loadResnet(l.Sub("block_2."), c, c)}
}

// Encoder maps an image to the latent z (before quant_conv).
type Encoder struct {
	cfg     DDConfig
	convIn  nn.Conv2d
	down    []level
	mid     middle
	normOut nn.GroupNorm
	convOut nn.Conv2d
}

// LoadEncoder builds an encoder from the weights l serves (keys conv_in.*,
// down.*, mid.*, norm_out.*, conv_out.*); l records any error.
func LoadEncoder(l *weights.Loader, d DDConfig) *Encoder {
	e := &Encoder{cfg: d, convIn: conv(l.Sub("conv_in."), d.InChannels, d.Ch, 3, 1, nn.Same(1))}
	res := d.Resolution
	in := d.Ch
	for i := range d.ChMult {
		out := d.channels(i)
		lv := level{}
		for j := 0; j < d.NumResBlocks; j++ {
			bl := l.Sub("down." + itoa(i) + ".")
			lv.blocks = append(lv.blocks, loadResnet(bl.Sub("block."+itoa(j)+"."), in, out))
			if d.attnAt(res) {
				lv.attns = append(lv.attns, loadAttn(bl.Sub("attn."+itoa(j)+"."), out))
			}
			in = out
		}
		if i < len(d.ChMult)-1 {
			// Downsample pads right and bottom by one, then a stride-2 3x3 conv.
			c := conv(l.Sub("down."+itoa(i)+".downsample.conv."), out, out, 3, 2, nn.Padding{Bottom: 1, Right: 1})
			lv.resample = &c
			res /= 2
		}
		e.down = append(e.down, lv)
	}
	e.mid = loadMiddle(l.Sub("mid."), in)
	e.normOut = groupNorm(l.Sub("norm_out."), in)
	zc := d.ZChannels
	if d.DoubleZ {
		zc *= 2
	}
	e.convOut = conv(l.Sub("conv_out."), in, zc, 3, 1, nn.Same(1))
	return e
}

// Forward runs the encoder; hook, when non-nil, sees named intermediate activations.
func (e *Encoder) Forward(x *tensor.Dense, hook Hook) *tensor.Dense {
	h := e.convIn.Forward(x) // x is the caller's: never recycled
	hook.see("encoder.conv_in", h)
	for i := range e.down {
		h = e.down[i].forward(h)
		if e.down[i].resample != nil {
			h = consume(e.down[i].resample.Forward, h)
		}
	}
	h = e.mid.block1.forward(h)
	h = e.mid.attn.forward(h)
	hook.see("encoder.mid.attn_1", h)
	h = e.mid.block2.forward(h)
	hook.see("encoder.mid.block_2", h)
	h = consume(func(t *tensor.Dense) *tensor.Dense { return e.convOut.Apply(t, e.normOut.Prologue(t, true)) }, h)
	hook.see("encoder.conv_out", h)
	return h
}

// Hook receives intermediate activations by taming module name; tests use it
// to compare layer by layer. The tensor is only valid during the call (its
// buffer is recycled afterwards). A nil Hook does nothing.
type Hook func(name string, t *tensor.Dense)

func (h Hook) see(name string, t *tensor.Dense) {
	if h != nil {
		h(name, t)
	}
}
