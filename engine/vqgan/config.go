// Package vqgan is the first stage of taming-transformers: the convolutional
// encoder and decoder and the codebook quantiser that turn images into token
// grids and back. Module structure, key names and arithmetic follow the
// published code (taming/modules/diffusionmodules/model.py and
// taming/modules/vqvae/quantize.py).
package vqgan

import (
	"fmt"
	"slices"
)

// DDConfig is the "ddconfig" block of a taming YAML file.
type DDConfig struct {
	Ch              int   `yaml:"ch" json:"ch"`
	OutCh           int   `yaml:"out_ch" json:"out_ch"`
	ChMult          []int `yaml:"ch_mult" json:"ch_mult"`
	NumResBlocks    int   `yaml:"num_res_blocks" json:"num_res_blocks"`
	AttnResolutions []int `yaml:"attn_resolutions" json:"attn_resolutions"`
	InChannels      int   `yaml:"in_channels" json:"in_channels"`
	Resolution      int   `yaml:"resolution" json:"resolution"`
	ZChannels       int   `yaml:"z_channels" json:"z_channels"`
	DoubleZ         bool  `yaml:"double_z" json:"double_z"`
}

// Quantizer kinds.
const (
	VectorQuantizer = "vq"     // VectorQuantizer2: nearest codebook entry
	GumbelQuantizer = "gumbel" // GumbelQuantize: argmax of projected logits
)

// Config describes a VQModel (or GumbelVQ) first stage.
type Config struct {
	DD        DDConfig `json:"ddconfig"`
	NEmbed    int      `json:"n_embed"`
	EmbedDim  int      `json:"embed_dim"`
	Quantizer string   `json:"quantizer"` // VectorQuantizer or GumbelQuantizer
	Beta      float32  `json:"beta"`      // weight of the codebook term in the quantisation loss (0.25 in taming)
}

// Factor is the downsampling factor from pixels to tokens, 2^(levels-1).
func (c Config) Factor() int { return 1 << (len(c.DD.ChMult) - 1) }

// Validate checks the structural constraints the network relies on.
func (c Config) Validate() error {
	if err := c.DD.Validate(); err != nil {
		return err
	}
	switch {
	case c.NEmbed <= 0 || c.EmbedDim <= 0:
		return fmt.Errorf("vqgan: config needs positive n_embed and embed_dim (got %d, %d)", c.NEmbed, c.EmbedDim)
	case c.Quantizer != VectorQuantizer && c.Quantizer != GumbelQuantizer:
		return fmt.Errorf("vqgan: unknown quantizer %q", c.Quantizer)
	case c.Quantizer == GumbelQuantizer && c.EmbedDim != c.DD.ZChannels:
		return fmt.Errorf("vqgan: the Gumbel quantizer needs embed_dim == z_channels (got %d and %d)", c.EmbedDim, c.DD.ZChannels)
	}
	return nil
}

// Validate checks the encoder's and decoder's structural constraints,
// which hold with or without a quantizer between them.
func (d DDConfig) Validate() error {
	switch {
	case d.Ch <= 0 || len(d.ChMult) == 0 || d.NumResBlocks <= 0:
		return fmt.Errorf("vqgan: config needs positive ch, num_res_blocks and a ch_mult list (got ch=%d ch_mult=%v num_res_blocks=%d)", d.Ch, d.ChMult, d.NumResBlocks)
	case d.InChannels <= 0 || d.OutCh <= 0 || d.ZChannels <= 0 || d.Resolution <= 0:
		return fmt.Errorf("vqgan: config needs positive in_channels, out_ch, z_channels and resolution")
	}
	for i, m := range d.ChMult {
		if m <= 0 || (d.Ch*m)%32 != 0 {
			return fmt.Errorf("vqgan: channel count ch*ch_mult[%d] = %d must be a positive multiple of 32 (GroupNorm uses 32 groups)", i, d.Ch*m)
		}
	}
	return nil
}

// attnAt reports whether a level working at resolution res has attention.
func (d DDConfig) attnAt(res int) bool { return slices.Contains(d.AttnResolutions, res) }

// channels returns the output channel count of level i.
func (d DDConfig) channels(i int) int { return d.Ch * d.ChMult[i] }
