package train

import (
	"hash/fnv"
	"math"
	"math/rand"
	"strings"
)

// freshInit is a weights.Source that initialises a new first stage and
// discriminator the way their PyTorch modules do, seeded per key so a run
// is reproducible:
//   - convs: weights and biases uniform in ±1/sqrt(fan_in) (PyTorch's
//     default), GroupNorm scale 1 and shift 0;
//   - the codebook: uniform in ±1/n_embed (VectorQuantizer2);
//   - the discriminator (taming's weights_init): conv weights N(0, 0.02),
//     conv biases PyTorch's default, BatchNorm scale N(1, 0.02) and shift 0,
//     running statistics 0 and 1, ActNorm 0 and 1.
type freshInit struct {
	seed  int64
	fanIn map[string]int // module -> fan-in of its weight, for its bias
}

func newFreshInit(seed int64) *freshInit { return &freshInit{seed: seed, fanIn: map[string]int{}} }

func (f *freshInit) Name() string                         { return "a fresh initialisation" }
func (f *freshInit) Has(string) bool                      { return true }
func (f *freshInit) Keys() []string                       { return nil }
func (f *freshInit) Int64(string) ([]int64, []int, error) { return []int64{0}, []int{}, nil }

func (f *freshInit) Float32(key string, shape []int) ([]float32, error) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	out := make([]float32, n)
	r := f.rng(key)
	module, param, _ := cut(key)
	disc := strings.HasPrefix(key, "loss.discriminator.")
	switch {
	case strings.HasSuffix(key, "quantize.embedding.weight"):
		uniform(out, r, 1/float64(shape[0]))
	case param == "running_var" || param == "scale":
		fill(out, 1)
	case param == "running_mean" || param == "loc":
		// zero
	case param == "weight" && len(shape) == 1: // a norm's scale
		if disc {
			for i := range out {
				out[i] = float32(1 + 0.02*r.NormFloat64())
			}
		} else {
			fill(out, 1)
		}
	case param == "weight":
		fan := n / shape[0]
		f.fanIn[module] = fan
		if disc {
			for i := range out {
				out[i] = float32(0.02 * r.NormFloat64())
			}
		} else {
			uniform(out, r, 1/math.Sqrt(float64(fan)))
		}
	case param == "bias":
		if fan, ok := f.fanIn[module]; ok {
			uniform(out, r, 1/math.Sqrt(float64(fan)))
		}
		// a norm's shift (no weight of fan-in seen) stays zero
	}
	return out, nil
}

func (f *freshInit) rng(key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewSource(f.seed ^ int64(h.Sum64())))
}

// cut splits "a.b.weight" into the module "a.b" and the parameter "weight".
func cut(key string) (module, param string, ok bool) {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return "", key, false
	}
	return key[:i], key[i+1:], true
}

func uniform(out []float32, r *rand.Rand, bound float64) {
	for i := range out {
		out[i] = float32((r.Float64()*2 - 1) * bound)
	}
}

func fill(out []float32, v float32) {
	for i := range out {
		out[i] = v
	}
}
