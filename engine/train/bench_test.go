package train

import "testing"

func benchmarkWorkload(b *testing.B, name string) {
	step, _, err := BenchmarkStep(name, 1)
	if err != nil {
		b.Fatal(err)
	}
	if err := step(); err != nil { // warm-up
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := step(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrainVQGANStep is scripts/bench-compare's train_vqgan.
func BenchmarkTrainVQGANStep(b *testing.B) { benchmarkWorkload(b, "train_vqgan") }
