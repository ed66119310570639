package vqgan

import (
	"math/rand"
	"testing"

	"tessera/engine/nn"
	"tessera/engine/weights"
)

// imagenetF16 is the ddconfig of taming's vqgan_imagenet_f16_1024.
func imagenetF16() Config {
	return Config{
		DD: DDConfig{Ch: 128, OutCh: 3, ChMult: []int{1, 1, 2, 2, 4}, NumResBlocks: 2, AttnResolutions: []int{16},
			InChannels: 3, Resolution: 256, ZChannels: 256},
		NEmbed: 1024, EmbedDim: 256, Quantizer: VectorQuantizer, Beta: 0.25,
	}
}

func randomModel(b *testing.B) *Model {
	m, err := Load(weights.Random{Seed: 1}, "", imagenetF16())
	if err != nil {
		b.Fatal(err)
	}
	return m
}

func randomTensor(seed int64, shape ...int) []float32 {
	r := rand.New(rand.NewSource(seed))
	n := 1
	for _, d := range shape {
		n *= d
	}
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

// BenchmarkEncode256 encodes one 256x256 image with the f16 ImageNet
// architecture (random weights); PyTorch CPU takes ~1.07 s on 2 threads.
func BenchmarkEncode256(b *testing.B) {
	m := randomModel(b)
	x := nn.FromSlice(randomTensor(2, 1, 3, 256, 256), 1, 3, 256, 256)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Encode(x, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode256 decodes a 16x16 latent to 256x256 with the f16
// ImageNet architecture; PyTorch CPU takes ~1.71 s on 2 threads.
func BenchmarkDecode256(b *testing.B) {
	m := randomModel(b)
	z := nn.FromSlice(randomTensor(3, 1, 256, 16, 16), 1, 256, 16, 16)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Decode(z, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// tinyTaming is the taming-tiny reference VQGAN's ddconfig (ch 32, ch_mult
// 1,1,2, attention at resolution 8, f4): its attention runs at the latent
// resolution, a quarter of the image's side, so it dominates the encode of
// a large image.
func tinyTaming() Config {
	return Config{
		DD: DDConfig{Ch: 32, OutCh: 3, ChMult: []int{1, 1, 2}, NumResBlocks: 1, AttnResolutions: []int{8},
			InChannels: 3, Resolution: 32, ZChannels: 16},
		NEmbed: 64, EmbedDim: 16, Quantizer: VectorQuantizer, Beta: 0.25,
	}
}

func benchEncode(b *testing.B, cfg Config, side int) {
	m, err := Load(weights.Random{Seed: 1}, "", cfg)
	if err != nil {
		b.Fatal(err)
	}
	x := nn.FromSlice(randomTensor(2, 1, 3, side, side), 1, 3, side, side)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Encode(x, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeTiny256 and 512 encode a 256x256 and a 512x512 image with
// the tiny architecture: attention over 64x64 and 128x128 positions.
func BenchmarkEncodeTiny256(b *testing.B) { benchEncode(b, tinyTaming(), 256) }
func BenchmarkEncodeTiny512(b *testing.B) { benchEncode(b, tinyTaming(), 512) }
