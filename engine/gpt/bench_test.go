package gpt

import (
	"fmt"
	"testing"

	"tessera/engine/weights"
)

// benchConfig is the 12-layer, 8-head, 512-wide GPT of the speed targets.
var benchConfig = Config{VocabSize: 1024, BlockSize: 512, NLayer: 12, NHead: 8, NEmbd: 512}

func benchModel(b *testing.B) *Model {
	m, err := Load(weights.Random{Seed: 1}, "", benchConfig)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkSampleSteps feeds 256 conditioning tokens, then 256 tokens one at
// a time through the cache, as KV-cached sampling does (without the filter),
// for count sequences as one batch (sample --count): tokens/s counts every
// sequence's tokens.
func BenchmarkSampleSteps(b *testing.B) {
	m := benchModel(b)
	for _, count := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("count=%d", count), func(b *testing.B) {
			cond := make([]int, count*256)
			for i := range cond {
				cond[i] = i * 3 % 1024
			}
			step := make([]int, count)
			for i := 0; i < b.N; i++ {
				c := m.NewCache(count, 512)
				if _, err := m.Forward(c, cond, 256, []int{255}); err != nil {
					b.Fatal(err)
				}
				for s := 0; s < 255; s++ {
					for j := range step {
						step[j] = (s + j) % 1024
					}
					if _, err := m.Forward(c, step, 1, nil); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(count*256*b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

// BenchmarkForward511 is one full window forward of the sliding-window loop.
func BenchmarkForward511(b *testing.B) {
	m := benchModel(b)
	seq := make([]int, 511)
	for i := range seq {
		seq[i] = i * 7 % 1024
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Forward(m.NewCache(1, 512), seq, len(seq), []int{len(seq) - 1}); err != nil {
			b.Fatal(err)
		}
	}
}
