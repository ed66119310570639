package model

import (
	"path/filepath"
	"testing"

	"tessera/engine/ckpt"
	"tessera/engine/gpt"
	"tessera/engine/vqgan"
	"tessera/engine/weights"
)

// benchSpec is the model of issue 9's whole-command measurements: taming's
// f16 ImageNet VQGAN under a 12-layer, 8-head, 512-wide GPT.
var benchSpec = Spec{
	Kind: KindNet2Net,
	FirstStage: vqgan.Config{
		DD: vqgan.DDConfig{Ch: 128, OutCh: 3, ChMult: []int{1, 1, 2, 2, 4}, NumResBlocks: 2, AttnResolutions: []int{16},
			InChannels: 3, Resolution: 256, ZChannels: 256},
		NEmbed: 1024, EmbedDim: 256, Quantizer: vqgan.VectorQuantizer, Beta: 0.25,
	},
	Transformer: &gpt.Config{VocabSize: 1024, BlockSize: 512, NLayer: 12, NHead: 8, NEmbd: 512},
	Cond:        &CondSpec{Kind: CondNone},
}

// writeBenchModel writes benchSpec with random weights into dir three ways:
// a Tessera file in float32 and in float16, and a taming log directory
// exported from the first. It returns the three paths.
func writeBenchModel(tb testing.TB, dir string) (f32, f16, logDir string) {
	tb.Helper()
	got := map[string]*ckpt.Data{}
	if _, err := Build(&benchSpec, &recorder{Source: weights.Random{Seed: 1}, got: got}); err != nil {
		tb.Fatal(err)
	}
	f32, f16, logDir = filepath.Join(dir, "f32.safetensors"), filepath.Join(dir, "f16.safetensors"), filepath.Join(dir, "log")
	if err := Save(f32, &benchSpec, got); err != nil {
		tb.Fatal(err)
	}
	for _, d := range got {
		d.Half = d.F32 != nil
	}
	if err := Save(f16, &benchSpec, got); err != nil {
		tb.Fatal(err)
	}
	m, err := Open(f32, "")
	if err != nil {
		tb.Fatal(err)
	}
	if err := Export(m, logDir, ExportOptions{}); err != nil {
		tb.Fatal(err)
	}
	return f32, f16, logDir
}

// BenchmarkOpen times opening the model as sample does (every network) and
// as decode does (the first stage's decoder), from each format.
func BenchmarkOpen(b *testing.B) {
	f32, f16, logDir := writeBenchModel(b, b.TempDir())
	forDecode := func(path, config string) (*Model, error) { return OpenFirstStage(path, config, vqgan.DecoderPart) }
	for _, src := range []struct{ name, path string }{{"logdir", logDir}, {"f32", f32}, {"f16", f16}} {
		for _, how := range []struct {
			name string
			open func(path, config string) (*Model, error)
		}{{"all", Open}, {"decode", forDecode}} {
			b.Run(src.name+"/"+how.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := how.open(src.path, ""); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
