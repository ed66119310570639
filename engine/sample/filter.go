// Package sample draws token grids from a transformer: the logit filters
// (temperature, top-k, top-p), seeded draws keyed by grid position,
// autoregressive sampling with a key/value cache, the sliding attention
// window for grids larger than the model's context, and region resampling.
package sample

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"tessera/engine/nn"
)

// Filter holds the per-step logit settings. Zero values switch a filter off:
// TopK 0 keeps every token, TopP 0 (or ≥ 1) disables the nucleus, and
// Temperature 0 means 1.
type Filter struct {
	Temperature float64
	TopK        int
	TopP        float64
}

var negInf = float32(math.Inf(-1))

// Validate checks the settings before a run: a temperature that is a
// finite number, not negative (0 means 1), top-k not negative and top-p
// in [0, 1]. NaN and infinities are refused here rather than found in
// the draws.
func (f Filter) Validate() error {
	switch {
	case math.IsNaN(f.Temperature) || math.IsInf(f.Temperature, 0) || f.Temperature < 0:
		return fmt.Errorf("sample: temperature %v: want a finite number above 0", f.Temperature)
	case f.TopK < 0:
		return fmt.Errorf("sample: top-k %d: want 0 (off) or more", f.TopK)
	case !(f.TopP >= 0 && f.TopP <= 1):
		return fmt.Errorf("sample: top-p %v: want a number from 0 (off) to 1", f.TopP)
	}
	return nil
}

// Apply turns one row of logits into sampling probabilities in place:
// divide by the temperature, keep the top k (ties with the k-th value
// survive, as in taming), keep the nucleus (HF convention: the first token
// that takes the cumulative probability past p is kept, and so is the best
// token), then softmax. A temperature so small that the logits divided by
// it overflow float32 is the limit of ever smaller temperatures: greedy
// (the best tokens alone, ties shared).
func (f Filter) Apply(logits []float32) {
	if t := f.Temperature; t > 0 && t != 1 {
		if overflows(logits, 1/t) {
			greedy(logits)
		} else {
			inv := float32(1 / t)
			for i := range logits {
				logits[i] *= inv
			}
		}
	}
	if f.TopK > 0 {
		TopK(logits, f.TopK)
	}
	if f.TopP > 0 && f.TopP < 1 {
		TopP(logits, f.TopP)
	}
	nn.Softmax(logits)
}

// overflows reports whether some finite logit times inv leaves float32.
func overflows(logits []float32, inv float64) bool {
	var most float64
	for _, v := range logits {
		if a := math.Abs(float64(v)); a > most && !math.IsInf(a, 0) {
			most = a
		}
	}
	return most*inv > math.MaxFloat32 || inv > math.MaxFloat32
}

// greedy keeps the largest logits, as 0, and sets the rest to -Inf.
func greedy(logits []float32) {
	best := negInf
	for _, v := range logits {
		best = max(best, v)
	}
	for i, v := range logits {
		if v == best {
			logits[i] = 0
		} else {
			logits[i] = negInf
		}
	}
}

// TopK sets every logit below the k-th largest to -Inf.
func TopK(logits []float32, k int) {
	k = min(max(k, 1), len(logits))
	if k == len(logits) {
		return
	}
	sorted := slices.Clone(logits)
	slices.SortFunc(sorted, func(a, b float32) int { return cmpDesc(a, b) })
	kth := sorted[k-1]
	for i, v := range logits {
		if v < kth {
			logits[i] = negInf
		}
	}
}

// TopP keeps the smallest set of best tokens whose probability reaches p,
// including the token that crosses p, and sets the rest to -Inf.
func TopP(logits []float32, p float64) {
	order := make([]int, len(logits))
	for i := range order {
		order[i] = i
	}
	// Stable, so equal logits keep index order, as torch's sort does on CPU.
	sort.SliceStable(order, func(a, b int) bool { return logits[order[a]] > logits[order[b]] })
	probs := make([]float32, len(logits))
	for i, idx := range order {
		probs[i] = logits[idx]
	}
	nn.Softmax(probs)
	var cum float32
	for i, idx := range order {
		if i > 0 && cum > float32(p) {
			logits[idx] = negInf
		}
		cum += probs[i]
	}
}

func cmpDesc(a, b float32) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
