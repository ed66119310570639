package vqgan

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/weights"
)

// groupNorm loads a Normalize(C) layer: 32 groups, eps 1e-6.
func groupNorm(l *weights.Loader, c int) nn.GroupNorm {
	return nn.GroupNorm{Groups: 32, C: c, Eps: 1e-6, Weight: l.Get("weight", c), Bias: l.Get("bias", c)}
}

// conv loads a conv layer with bias.
func conv(l *weights.Loader, in, out, k, stride int, pad nn.Padding) nn.Conv2d {
	return nn.Conv2d{
		Weight: l.Get("weight", out, in, k, k), Bias: l.Get("bias", out),
		Out: out, In: in, KH: k, KW: k, Stride: stride, Pad: pad,
	}
}

// resnetBlock is h = conv2(swish(norm2(conv1(swish(norm1(x)))))) plus a
// shortcut that is a 1x1 conv when the channel count changes.
type resnetBlock struct {
	norm1, norm2 nn.GroupNorm
	conv1, conv2 nn.Conv2d
	shortcut     *nn.Conv2d
}

func loadResnet(l *weights.Loader, in, out int) *resnetBlock {
	b := &resnetBlock{
		norm1: groupNorm(l.Sub("norm1."), in),
		conv1: conv(l.Sub("conv1."), in, out, 3, 1, nn.Same(1)),
		norm2: groupNorm(l.Sub("norm2."), out),
		conv2: conv(l.Sub("conv2."), out, out, 3, 1, nn.Same(1)),
	}
	if in != out {
		s := conv(l.Sub("nin_shortcut."), in, out, 1, 1, nn.Padding{})
		b.shortcut = &s
	}
	return b
}

// forward takes ownership of x and returns the block's output, which may be
// x itself updated in place: the second conv adds straight into the
// residual, so at most two full-size maps are alive at once.
func (b *resnetBlock) forward(x *tensor.Dense) *tensor.Dense {
	h := b.conv1.Apply(x, b.norm1.Prologue(x, true))
	out := x
	if b.shortcut != nil {
		out = b.shortcut.Forward(x)
		nn.Recycle(x)
	}
	b.conv2.AddTo(out, h, b.norm2.Prologue(h, true))
	nn.Recycle(h)
	return out
}

// consume applies f to a temporary and recycles the temporary; f must return
// a new tensor.
func consume(f func(*tensor.Dense) *tensor.Dense, tmp *tensor.Dense) *tensor.Dense {
	out := f(tmp)
	nn.Recycle(tmp)
	return out
}

// attnBlock is single-head self-attention over all spatial positions with
// 1x1-conv projections and a residual connection.
type attnBlock struct {
	norm          nn.GroupNorm
	q, k, v, proj nn.Conv2d
	c             int
}

func loadAttn(l *weights.Loader, c int) *attnBlock {
	p := func(name string) nn.Conv2d { return conv(l.Sub(name+"."), c, c, 1, 1, nn.Padding{}) }
	return &attnBlock{norm: groupNorm(l.Sub("norm."), c), q: p("q"), k: p("k"), v: p("v"), proj: p("proj_out"), c: c}
}

// forward takes ownership of x and adds the attention output to it in place.
// The scores are computed a block of query rows at a time (nn.Attention),
// so a large map needs memory in proportion to its positions, not their
// square.
func (a *attnBlock) forward(x *tensor.Dense) *tensor.Dense {
	n, c, h, w := nn.Dims4(x)
	hn := a.norm.Forward(x, false)
	qt, kt, vt := a.q.Forward(hn), a.k.Forward(hn), a.v.Forward(hn)
	nn.Recycle(hn)
	q, k, v := nn.Data(qt), nn.Data(kt), nn.Data(vt)
	hw := h * w
	out := nn.New(n, c, h, w)
	o := nn.Data(out)
	scale := float32(1 / math.Sqrt(float64(c)))
	for b := 0; b < n; b++ {
		s := b * c * hw
		nn.Attention(o[s:s+c*hw], q[s:s+c*hw], k[s:s+c*hw], v[s:s+c*hw], c, hw, scale)
	}
	for _, t := range []*tensor.Dense{qt, kt, vt} {
		nn.Recycle(t)
	}
	res := consume(a.proj.Forward, out)
	nn.AddInPlace(nn.Data(res), nn.Data(x))
	nn.Recycle(x)
	return res
}

// checkChannels guards an entry point against a tensor with the wrong channel count.
func checkChannels(what string, x *tensor.Dense, want int) error {
	if s := x.Shape(); len(s) != 4 || s[1] != want {
		return fmt.Errorf("vqgan: %s expects a [B,%d,H,W] tensor, got shape %v", what, want, x.Shape())
	}
	return nil
}
