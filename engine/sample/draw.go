package sample

// Uniform returns a number in [0, 1) determined only by the seed, the sample
// index within a batch and the token position. Keying draws this way makes
// results independent of batch composition, thread count and the order in
// which positions are visited, so resampling one region leaves the draws of
// every other position untouched.
func Uniform(seed int64, sample, pos int) float64 {
	h := mix(uint64(seed) ^ 0x9e3779b97f4a7c15)
	h = mix(h ^ uint64(sample)*0xbf58476d1ce4e5b9)
	h = mix(h ^ uint64(pos)*0x94d049bb133111eb)
	return float64(h>>11) / (1 << 53)
}

// mix is the splitmix64 finaliser: a bijection that scatters nearby inputs.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Draw picks an index from a probability row by inverse CDF at u. Entries of
// zero probability are never picked.
func Draw(probs []float32, u float64) int {
	var total float64
	for _, p := range probs {
		total += float64(p)
	}
	target := u * total
	var cum float64
	last := 0
	for i, p := range probs {
		if p <= 0 {
			continue
		}
		cum += float64(p)
		last = i
		if target < cum {
			return i
		}
	}
	return last
}

// Argmax returns the index of the largest value, the first on ties, as
// torch.topk(probs, 1) does for greedy decoding.
func Argmax(row []float32) int {
	best := 0
	for i, v := range row {
		if v > row[best] {
			best = i
		}
	}
	return best
}
