package weights

import (
	"hash/fnv"
	"math"
	"math/rand"
	"strings"
)

// Random is a Source that invents every parameter it is asked for: weights
// scaled like PyTorch's default initialisation (uniform ±1/sqrt(fan_in)),
// norm scales of one and biases of zero. Values depend only on the seed and
// the key, so two builds with the same seed are identical.
type Random struct{ Seed int64 }

// Float32 implements Source.
func (r Random) Float32(key string, shape []int) ([]float32, error) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	out := make([]float32, n)
	switch {
	case isNorm(key) && strings.HasSuffix(key, ".weight"):
		for i := range out {
			out[i] = 1
		}
	case strings.HasSuffix(key, ".bias"):
	default:
		fanIn := 1
		if len(shape) > 1 {
			fanIn = n / shape[0]
		}
		bound := 1 / math.Sqrt(float64(fanIn))
		h := fnv.New64a()
		h.Write([]byte(key))
		g := rand.New(rand.NewSource(r.Seed ^ int64(h.Sum64())))
		for i := range out {
			out[i] = float32((g.Float64()*2 - 1) * bound)
		}
	}
	return out, nil
}

// Int64 implements Source; random models have no index buffers.
func (Random) Int64(key string) ([]int64, []int, error) { return nil, nil, nil }

// Has implements Source: a random source has every key except optional buffers.
func (Random) Has(key string) bool { return !strings.HasSuffix(key, "quantize.used") }

// Keys implements Source; there is nothing stored to list.
func (Random) Keys() []string { return nil }

// Name implements Source.
func (Random) Name() string { return "random weights" }

// isNorm tells normalisation layers (norm1, norm_out, ln1, ln_f, ...) by
// their module names, whose scales start at one rather than random.
func isNorm(key string) bool {
	for _, part := range strings.Split(key, ".") {
		if strings.HasPrefix(part, "norm") || strings.HasPrefix(part, "ln") {
			return true
		}
	}
	return false
}
