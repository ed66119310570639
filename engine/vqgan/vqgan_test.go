package vqgan

import (
	"math"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/weights"
)

// tinyConfig is a small VQGAN like the taming-tiny reference model.
func tinyConfig(q string) Config {
	return Config{
		DD: DDConfig{Ch: 32, OutCh: 3, ChMult: []int{1, 2}, NumResBlocks: 1, AttnResolutions: []int{8},
			InChannels: 3, Resolution: 16, ZChannels: 32},
		NEmbed: 24, EmbedDim: 32, Quantizer: q, Beta: 0.25,
	}
}

// usedSource adds a quantize.used remap buffer to random weights.
type usedSource struct {
	weights.Random
	used []int64
}

func (u usedSource) Has(key string) bool { return key == "quantize.used" || u.Random.Has(key) }
func (u usedSource) Int64(key string) ([]int64, []int, error) {
	if key == "quantize.used" {
		return u.used, []int{len(u.used)}, nil
	}
	return u.Random.Int64(key)
}

func input(h, w int) *tensor.Dense {
	x := nn.New(1, 3, h, w)
	for i, d := 0, nn.Data(x); i < len(d); i++ {
		d[i] = float32(math.Sin(float64(i) * 0.37))
	}
	return x
}

func TestGumbelEncodesToArgmaxOfLogits(t *testing.T) {
	m, err := Load(weights.Random{Seed: 3}, "", tinyConfig(GumbelQuantizer))
	if err != nil {
		t.Fatal(err)
	}
	x := input(16, 12)
	enc, err := m.Encode(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if enc.H != 8 || enc.W != 6 {
		t.Fatalf("grid %dx%d, want 6x8", enc.W, enc.H)
	}
	logits := nn.Data(m.Quantizer.proj.Forward(enc.Z))
	hw := enc.H * enc.W
	for p := 0; p < hw; p++ {
		best := 0
		for n := 1; n < 24; n++ {
			if logits[n*hw+p] > logits[best*hw+p] {
				best = n
			}
		}
		if enc.Tokens[p] != best {
			t.Fatalf("position %d: token %d, argmax of the logits is %d", p, enc.Tokens[p], best)
		}
	}
	// z_q holds the embed rows of the tokens.
	for c := 0; c < 32; c++ {
		if got, want := nn.Data(enc.ZQ)[c*hw], m.Quantizer.Entry(enc.Tokens[0])[c]; got != want {
			t.Fatalf("z_q channel %d = %v, want embed row value %v", c, got, want)
		}
	}
}

func TestRemapUsesOnlyListedEntries(t *testing.T) {
	used := []int64{3, 7, 11, 20}
	m, err := Load(usedSource{weights.Random{Seed: 4}, used}, "", tinyConfig(VectorQuantizer))
	if err != nil {
		t.Fatal(err)
	}
	if m.Quantizer.Vocab() != 4 {
		t.Fatalf("vocab %d, want the 4 listed entries", m.Quantizer.Vocab())
	}
	enc, err := m.Encode(input(16, 16), nil)
	if err != nil {
		t.Fatal(err)
	}
	hw := enc.H * enc.W
	z := nn.Data(enc.Z)
	for p, tok := range enc.Tokens {
		// The chosen entry is the nearest of the listed ones.
		dist := func(row int64) float64 {
			var d float64
			for c := 0; c < 32; c++ {
				e := float64(z[c*hw+p]) - float64(m.Quantizer.embed[int(row)*32+c])
				d += e * e
			}
			return d
		}
		for _, r := range used {
			if dist(r) < dist(used[tok])-1e-4 {
				t.Fatalf("position %d: token %d (row %d) is not the nearest listed entry (row %d is)", p, tok, used[tok], r)
			}
		}
	}
	if !slices.Equal(m.Quantizer.Entry(2), m.Quantizer.embed[11*32:12*32]) {
		t.Fatal("token 2 does not stand for codebook row used[2] = 11")
	}
	if _, err := m.Quantizer.Embed([]int{4}, 1, 1, 1); err == nil {
		t.Fatal("embedded a token past the remap list")
	}
}

func TestConfigValidation(t *testing.T) {
	cases := map[string]func(*Config){
		"multiple of 32": func(c *Config) { c.DD.Ch = 24 },
		"n_embed":        func(c *Config) { c.NEmbed = 0 },
		"quantizer":      func(c *Config) { c.Quantizer = "ema" },
		"embed_dim == z_channels": func(c *Config) {
			c.Quantizer, c.EmbedDim = GumbelQuantizer, 16
		},
	}
	for want, edit := range cases {
		cfg := tinyConfig(VectorQuantizer)
		edit(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
}

func TestEncodeRejectsWrongInput(t *testing.T) {
	m, err := Load(weights.Random{Seed: 5}, "", tinyConfig(VectorQuantizer))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Encode(nn.New(1, 4, 16, 16), nil); err == nil {
		t.Fatal("encoded a 4-channel input with a 3-channel model")
	}
	if _, err := m.Encode(nn.New(1, 3, 1, 16), nil); err == nil {
		t.Fatal("encoded an input smaller than the downsampling factor")
	}
}
