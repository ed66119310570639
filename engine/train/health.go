package train

import (
	"math"
	"math/rand"

	"tessera/engine/train/optim"
)

// usageWindow is how many recent optimisation steps the logged codebook
// usage and perplexity cover.
const usageWindow = 50

// codebookHealth follows which codebook entries the quantizer picks: usage
// and perplexity over the recent window, and, for --restart-dead, the step
// each entry was last picked.
type codebookHealth struct {
	n        int
	window   [][]int // codes of the recent steps, oldest first
	lastUsed []int   // by entry: the last step that picked it
}

func newCodebookHealth(n, step int) *codebookHealth {
	h := &codebookHealth{n: n, lastUsed: make([]int, n)}
	for i := range h.lastUsed {
		h.lastUsed[i] = step
	}
	return h
}

// record adds the codes one step picked.
func (h *codebookHealth) record(step int, codes []int) {
	h.window = append(h.window, append([]int(nil), codes...))
	if len(h.window) > usageWindow {
		h.window = h.window[1:]
	}
	for _, c := range codes {
		h.lastUsed[c] = step
	}
}

// stats returns the perplexity exp(H) of the recent codes' distribution and
// the fraction of entries they use.
func (h *codebookHealth) stats() (perplexity, usage float64) {
	counts := make([]int, h.n)
	total := 0
	for _, codes := range h.window {
		for _, c := range codes {
			counts[c]++
		}
		total += len(codes)
	}
	if total == 0 {
		return 0, 0
	}
	var entropy float64
	used := 0
	for _, k := range counts {
		if k > 0 {
			p := float64(k) / float64(total)
			entropy -= p * math.Log(p)
			used++
		}
	}
	return math.Exp(entropy), float64(used) / float64(h.n)
}

// restartDead moves every entry unused for more than after steps onto an
// encoder output of the last batch, z ([positions, dim], picked at random),
// and clears the entry's Adam moments so the move is not undone by old
// momentum. It returns how many entries moved.
func (h *codebookHealth) restartDead(step, after int, codebook *optim.Param, opt *optim.Adam, z []float32, dim int, r *rand.Rand) int {
	positions := len(z) / dim
	if positions == 0 {
		return 0
	}
	w := codebook.Floats()
	m, v := opt.M[codebook.Name], opt.V[codebook.Name]
	moved := 0
	for e, last := range h.lastUsed {
		if step-last <= after {
			continue
		}
		p := r.Intn(positions)
		copy(w[e*dim:(e+1)*dim], z[p*dim:(p+1)*dim])
		if m != nil {
			clear(m[e*dim : (e+1)*dim])
			clear(v[e*dim : (e+1)*dim])
		}
		h.lastUsed[e] = step
		moved++
	}
	return moved
}
