package train

import (
	"slices"

	G "gorgonia.org/gorgonia"

	"tessera/engine/nn"
	"tessera/engine/train/ops"
	"tessera/engine/vqgan"
)

// autoencoder builds a VQModel's forward pass into a graph, with taming's
// module tree and keys (taming/modules/diffusionmodules/model.py), so the
// parameters it asks for are a taming checkpoint's.
type autoencoder struct {
	cfg    vqgan.Config
	ps     *Params
	b      *builder
	prefix string // "" for a VQModel, "cond_stage_model." inside a Net2Net
	codes  *[]int // filled with the chosen codebook entries on each run
}

// vqOutputs are the nodes of one autoencoder pass the objectives need.
type vqOutputs struct {
	z, codebook *G.Node // quant_conv's output and the codebook, for the codebook loss
	rec         *G.Node // the reconstruction
	lastInput   *G.Node // what decoder.conv_out reads, for the adaptive weight
}

func (a *autoencoder) forward(x *G.Node) vqOutputs {
	dd, c := a.cfg.DD, a.cfg
	h := a.encoder(x)
	z := a.conv("quant_conv", h, dd.ZChannels, c.EmbedDim, 1, 1, nn.Padding{})
	codebook := a.b.param(a.ps, a.prefix+"quantize.embedding.weight", c.NEmbed, c.EmbedDim)
	zq := ops.Quantize(z, codebook, a.codes)
	h = a.conv("post_quant_conv", zq, c.EmbedDim, dd.ZChannels, 1, 1, nn.Padding{})
	rec, last := a.decoder(h)
	return vqOutputs{z: z, codebook: codebook, rec: rec, lastInput: last}
}

func (a *autoencoder) encoder(x *G.Node) *G.Node {
	dd := a.cfg.DD
	h := a.conv("encoder.conv_in", x, dd.InChannels, dd.Ch, 3, 1, nn.Same(1))
	res, in := dd.Resolution, dd.Ch
	for i, mult := range dd.ChMult {
		out := dd.Ch * mult
		for j := 0; j < dd.NumResBlocks; j++ {
			h = a.resnet(join("encoder.down", i, "block", j), h, in, out)
			in = out
			if slices.Contains(dd.AttnResolutions, res) {
				h = a.attention(join("encoder.down", i, "attn", j), h, in)
			}
		}
		if i != len(dd.ChMult)-1 {
			// taming pads right and bottom by one, then a stride-2 conv.
			h = a.conv(join("encoder.down", i, "downsample.conv"), h, in, in, 3, 2, nn.Padding{Bottom: 1, Right: 1})
			res /= 2
		}
	}
	h = a.middle("encoder.mid", h, in)
	zc := dd.ZChannels
	if dd.DoubleZ {
		zc *= 2
	}
	h = ops.Swish(a.norm("encoder.norm_out", h, in))
	return a.conv("encoder.conv_out", h, in, zc, 3, 1, nn.Same(1))
}

// decoder returns the reconstruction and the input of its last conv.
func (a *autoencoder) decoder(z *G.Node) (*G.Node, *G.Node) {
	dd := a.cfg.DD
	levels := len(dd.ChMult)
	in := dd.Ch * dd.ChMult[levels-1]
	res := dd.Resolution >> (levels - 1)
	h := a.conv("decoder.conv_in", z, dd.ZChannels, in, 3, 1, nn.Same(1))
	h = a.middle("decoder.mid", h, in)
	for i := levels - 1; i >= 0; i-- {
		out := dd.Ch * dd.ChMult[i]
		for j := 0; j <= dd.NumResBlocks; j++ {
			h = a.resnet(join("decoder.up", i, "block", j), h, in, out)
			in = out
			if slices.Contains(dd.AttnResolutions, res) {
				h = a.attention(join("decoder.up", i, "attn", j), h, in)
			}
		}
		if i != 0 {
			h = a.conv(join("decoder.up", i, "upsample.conv"), ops.Upsample2x(h), in, in, 3, 1, nn.Same(1))
			res *= 2
		}
	}
	last := ops.Swish(a.norm("decoder.norm_out", h, in))
	return a.conv("decoder.conv_out", last, in, dd.OutCh, 3, 1, nn.Same(1)), last
}

func (a *autoencoder) middle(name string, h *G.Node, c int) *G.Node {
	h = a.resnet(name+".block_1", h, c, c)
	h = a.attention(name+".attn_1", h, c)
	return a.resnet(name+".block_2", h, c, c)
}

// resnet is taming's ResnetBlock without a time embedding: x + conv2(swish(
// norm2(conv1(swish(norm1(x)))))), x through a 1x1 conv when the width
// changes. Dropout is 0 in every published config.
func (a *autoencoder) resnet(name string, x *G.Node, in, out int) *G.Node {
	h := ops.Swish(a.norm(name+".norm1", x, in))
	h = a.conv(name+".conv1", h, in, out, 3, 1, nn.Same(1))
	h = ops.Swish(a.norm(name+".norm2", h, out))
	h = a.conv(name+".conv2", h, out, out, 3, 1, nn.Same(1))
	if in != out {
		x = a.conv(name+".nin_shortcut", x, in, out, 1, 1, nn.Padding{})
	}
	return ops.Add(x, h)
}

// attention is taming's AttnBlock: single-head attention over all positions.
func (a *autoencoder) attention(name string, x *G.Node, c int) *G.Node {
	h := a.norm(name+".norm", x, c)
	q := a.conv(name+".q", h, c, c, 1, 1, nn.Padding{})
	k := a.conv(name+".k", h, c, c, 1, 1, nn.Padding{})
	v := a.conv(name+".v", h, c, c, 1, 1, nn.Padding{})
	h = a.conv(name+".proj_out", ops.SpatialAttention(q, k, v), c, c, 1, 1, nn.Padding{})
	return ops.Add(x, h)
}

func (a *autoencoder) conv(name string, x *G.Node, in, out, k, stride int, pad nn.Padding) *G.Node {
	w := a.b.param(a.ps, a.prefix+name+".weight", out, in, k, k)
	bias := a.b.param(a.ps, a.prefix+name+".bias", out)
	return ops.Conv(x, w, bias, stride, pad)
}

// norm is taming's Normalize: GroupNorm with 32 groups and eps 1e-6.
func (a *autoencoder) norm(name string, x *G.Node, c int) *G.Node {
	gamma := a.b.param(a.ps, a.prefix+name+".weight", c)
	beta := a.b.param(a.ps, a.prefix+name+".bias", c)
	return ops.GroupNorm(x, gamma, beta, 32, 1e-6)
}
