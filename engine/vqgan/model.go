package vqgan

import (
	"context"
	"fmt"
	"strconv"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/weights"
)

// Model is a VQGAN first stage: encoder, quant_conv, quantiser,
// post_quant_conv and decoder.
type Model struct {
	Config        Config
	Encoder       *Encoder
	Decoder       *Decoder
	Quantizer     *Quantizer
	quantConv     nn.Conv2d
	postQuantConv nn.Conv2d
	// Parameter counts by part, for model cards.
	EncoderParams, DecoderParams, CodebookParams int64
}

// Parts are the halves of a first stage that LoadParts builds, beside the
// quantizer that both use.
type Parts int

const (
	EncoderPart Parts = 1 << iota // encoder and quant_conv: images to tokens
	DecoderPart                   // post_quant_conv and decoder: tokens to images
	AllParts    = EncoderPart | DecoderPart
)

// Load builds a model from the weights under prefix (e.g. "" for a VQGAN
// checkpoint, "first_stage_model." inside a Net2Net one). Weights under the
// prefix that the config does not use are an error, except the training-only
// loss networks and the colorize buffer.
func Load(src weights.Source, prefix string, cfg Config) (*Model, error) {
	return LoadParts(src, prefix, cfg, AllParts)
}

// LoadParts builds only the given parts, leaving the other half's weights
// unread and its fields nil: a command that only decodes does not pay for
// the encoder. Encode and Decode fail on a model without their half.
func LoadParts(src weights.Source, prefix string, cfg Config, parts Parts) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	l := weights.NewLoader(src, prefix)
	m := &Model{Config: cfg}
	if parts&EncoderPart != 0 {
		m.Encoder = LoadEncoder(l.Sub("encoder."), cfg.DD)
		m.quantConv = conv(l.Sub("quant_conv."), cfg.DD.ZChannels, cfg.EmbedDim, 1, 1, nn.Padding{})
	} else {
		l.Skip("encoder.")
		l.Skip("quant_conv.")
	}
	if parts&DecoderPart != 0 {
		m.Decoder = LoadDecoder(l.Sub("decoder."), cfg.DD)
		m.postQuantConv = conv(l.Sub("post_quant_conv."), cfg.EmbedDim, cfg.DD.ZChannels, 1, 1, nn.Padding{})
	} else {
		l.Skip("decoder.")
		l.Skip("post_quant_conv.")
	}
	m.Quantizer = loadQuantizer(l.Sub("quantize."), cfg)
	if err := l.CheckAllUsed(prefix+"loss.", "colorize"); err != nil {
		return nil, fmt.Errorf("vqgan: %w", err)
	}
	m.EncoderParams = l.Sub("encoder.").Count() + l.Sub("quant_conv.").Count()
	m.DecoderParams = l.Sub("decoder.").Count() + l.Sub("post_quant_conv.").Count()
	m.CodebookParams = l.Sub("quantize.").Count()
	return m, nil
}

// Encoding is the result of encoding a batch of images.
type Encoding struct {
	Z       *tensor.Dense // quant_conv output, before quantisation
	ZQ      *tensor.Dense // codebook vectors at each position
	Tokens  []int         // raster order (b, y, x)
	B, H, W int           // batch and token grid size
	Loss    float32       // quantisation loss (vector quantiser only)
}

// Encode tokenises x, a [B, in_channels, H, W] tensor scaled to [-1, 1].
func (m *Model) Encode(x *tensor.Dense, hook Hook) (*Encoding, error) {
	if m.Encoder == nil {
		return nil, errNoPart("encoder")
	}
	if err := checkChannels("encode", x, m.Config.DD.InChannels); err != nil {
		return nil, err
	}
	_, _, h, w := nn.Dims4(x)
	if f := m.Config.Factor(); h < f || w < f {
		return nil, fmt.Errorf("vqgan: a %dx%d input is smaller than the model's downsampling factor %d", w, h, f)
	}
	z := consume(m.quantConv.Forward, m.Encoder.Forward(x, hook))
	b, _, zh, zw := nn.Dims4(z)
	tokens := m.Quantizer.tokens(z)
	zq, err := m.Quantizer.Embed(tokens, b, zh, zw)
	if err != nil {
		return nil, err
	}
	return &Encoding{Z: z, ZQ: zq, Tokens: tokens, B: b, H: zh, W: zw, Loss: m.Quantizer.loss(z, zq)}, nil
}

// Decode maps a [B, embed_dim, h, w] latent to an image (unclamped).
func (m *Model) Decode(zq *tensor.Dense, hook Hook) (*tensor.Dense, error) {
	return m.DecodeContext(context.Background(), zq, hook)
}

// DecodeContext is Decode that stops between the decoder's blocks once ctx
// is cancelled, with its error.
func (m *Model) DecodeContext(ctx context.Context, zq *tensor.Dense, hook Hook) (*tensor.Dense, error) {
	return m.DecodeProgress(ctx, zq, hook, nil)
}

// DecodeProgress is DecodeContext telling progress, when set, how many of
// the decoder's blocks are done.
func (m *Model) DecodeProgress(ctx context.Context, zq *tensor.Dense, hook Hook, progress func(done, total int)) (*tensor.Dense, error) {
	if m.Decoder == nil {
		return nil, errNoPart("decoder")
	}
	if err := checkChannels("decode", zq, m.Config.EmbedDim); err != nil {
		return nil, err
	}
	h := m.postQuantConv.Forward(zq)
	out, err := m.Decoder.ForwardProgress(ctx, h, hook, progress)
	nn.Recycle(h)
	return out, err
}

// DecodeTokens decodes a batch of token grids given in raster order.
func (m *Model) DecodeTokens(tokens []int, b, h, w int) (*tensor.Dense, error) {
	zq, err := m.Quantizer.Embed(tokens, b, h, w)
	if err != nil {
		return nil, err
	}
	return m.Decode(zq, nil)
}

// errNoPart is the error of using a half that LoadParts left out.
func errNoPart(half string) error {
	return fmt.Errorf("vqgan: this first stage was loaded without its %s", half)
}

func itoa(i int) string { return strconv.Itoa(i) }
