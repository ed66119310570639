package vqgan

import (
	"context"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/weights"
)

// Decoder maps a latent (after post_quant_conv) back to an image. Its levels
// are indexed like taming's up.i: up.0 is the full-resolution level.
type Decoder struct {
	cfg     DDConfig
	convIn  nn.Conv2d
	mid     middle
	up      []level
	normOut nn.GroupNorm
	convOut nn.Conv2d
}

// LoadDecoder builds a decoder from the weights l serves (keys conv_in.*,
// mid.*, up.*, norm_out.*, conv_out.*); l records any error.
func LoadDecoder(l *weights.Loader, d DDConfig) *Decoder {
	top := len(d.ChMult) - 1
	in := d.channels(top)
	dec := &Decoder{cfg: d, convIn: conv(l.Sub("conv_in."), d.ZChannels, in, 3, 1, nn.Same(1))}
	dec.mid = loadMiddle(l.Sub("mid."), in)
	dec.up = make([]level, len(d.ChMult))
	res := d.Resolution >> top
	for i := top; i >= 0; i-- {
		out := d.channels(i)
		lv := level{}
		for j := 0; j <= d.NumResBlocks; j++ {
			bl := l.Sub("up." + itoa(i) + ".")
			lv.blocks = append(lv.blocks, loadResnet(bl.Sub("block."+itoa(j)+"."), in, out))
			if d.attnAt(res) {
				lv.attns = append(lv.attns, loadAttn(bl.Sub("attn."+itoa(j)+"."), out))
			}
			in = out
		}
		if i != 0 {
			c := conv(l.Sub("up."+itoa(i)+".upsample.conv."), out, out, 3, 1, nn.Same(1))
			lv.resample = &c
			res *= 2
		}
		dec.up[i] = lv
	}
	dec.normOut = groupNorm(l.Sub("norm_out."), in)
	dec.convOut = conv(l.Sub("conv_out."), in, d.OutCh, 3, 1, nn.Same(1))
	return dec
}

// Forward runs the decoder; there is no output clamp, as in taming.
func (d *Decoder) Forward(z *tensor.Dense, hook Hook) *tensor.Dense {
	h, _ := d.ForwardContext(context.Background(), z, hook)
	return h
}

// ForwardContext is Forward that stops between blocks once ctx is
// cancelled, returning its error: a large decode takes seconds, and a
// cancelled job should not wait for it.
func (d *Decoder) ForwardContext(ctx context.Context, z *tensor.Dense, hook Hook) (*tensor.Dense, error) {
	return d.ForwardProgress(ctx, z, hook, nil)
}

// ForwardProgress is ForwardContext telling progress, when set, after each
// block how many of them are done, so a whole decode of seconds can show
// how far it is.
func (d *Decoder) ForwardProgress(ctx context.Context, z *tensor.Dense, hook Hook, progress func(done, total int)) (*tensor.Dense, error) {
	h := d.convIn.Forward(z) // z is the caller's: never recycled
	hook.see("decoder.conv_in", h)
	// step runs one block on h unless ctx is cancelled.
	var err error
	done, total := 0, d.blocks()
	step := func(f func(*tensor.Dense) *tensor.Dense) {
		if err == nil {
			if err = ctx.Err(); err == nil {
				h = f(h)
				if done++; progress != nil {
					progress(done, total)
				}
			}
		}
	}
	step(d.mid.block1.forward)
	step(d.mid.attn.forward)
	if err == nil {
		hook.see("decoder.mid.attn_1", h)
	}
	step(d.mid.block2.forward)
	for i := len(d.up) - 1; i >= 0; i-- {
		lv := &d.up[i]
		for j, b := range lv.blocks {
			step(b.forward)
			if lv.attns != nil {
				step(lv.attns[j].forward)
			}
		}
		if lv.resample != nil {
			step(func(t *tensor.Dense) *tensor.Dense {
				return consume(lv.resample.Forward, consume(nn.UpsampleNearest2x, t))
			})
		}
	}
	if err != nil {
		nn.Recycle(h)
		return nil, err
	}
	h = consume(func(t *tensor.Dense) *tensor.Dense { return d.convOut.Apply(t, d.normOut.Prologue(t, true)) }, h)
	hook.see("decoder.conv_out", h)
	return h, nil
}

// blocks counts the steps ForwardProgress reports: the middle's three, the
// levels' blocks, attentions and upsamplings.
func (d *Decoder) blocks() int {
	n := 3
	for _, lv := range d.up {
		n += len(lv.blocks) + len(lv.attns)
		if lv.resample != nil {
			n++
		}
	}
	return n
}

// SetCircular switches every 3x3 convolution of the decoder between zero and
// circular padding; circular padding makes the decoded image tile seamlessly.
func (d *Decoder) SetCircular(on bool) {
	set := func(c *nn.Conv2d) {
		if c.KH == 3 {
			c.Pad.Circular = on
		}
	}
	set(&d.convIn)
	set(&d.convOut)
	for _, b := range []*resnetBlock{d.mid.block1, d.mid.block2} {
		set(&b.conv1)
		set(&b.conv2)
	}
	for i := range d.up {
		for _, b := range d.up[i].blocks {
			set(&b.conv1)
			set(&b.conv2)
		}
		if d.up[i].resample != nil {
			set(d.up[i].resample)
		}
	}
}
