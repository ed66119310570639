package codebook

import (
	"fmt"
	"math"
	"sort"
)

// Usage counts how often each token occurs.
type Usage struct {
	Counts []int
	Total  int
}

// CountUsage tallies tokens (from one or many grids) for a codebook of vocab entries.
func CountUsage(vocab int, grids ...[]int) (Usage, error) {
	u := Usage{Counts: make([]int, vocab)}
	for _, g := range grids {
		for i, t := range g {
			if t < 0 || t >= vocab {
				return Usage{}, fmt.Errorf("codebook: token %d at position %d is outside the codebook (0..%d)", t, i, vocab-1)
			}
			u.Counts[t]++
			u.Total++
		}
	}
	return u, nil
}

// Perplexity is exp of the entropy of the usage distribution: the number of
// entries that would be in use if all were used equally often.
func (u Usage) Perplexity() float64 {
	if u.Total == 0 {
		return 0
	}
	var h float64
	for _, c := range u.Counts {
		if c > 0 {
			p := float64(c) / float64(u.Total)
			h -= p * math.Log(p)
		}
	}
	return math.Exp(h)
}

// Dead lists the entries never used.
func (u Usage) Dead() []int {
	var out []int
	for i, c := range u.Counts {
		if c == 0 {
			out = append(out, i)
		}
	}
	return out
}

// ByUsage returns the entry indices, most used first (ties by index).
func (u Usage) ByUsage() []int {
	idx := make([]int, len(u.Counts))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return u.Counts[idx[a]] > u.Counts[idx[b]] })
	return idx
}
