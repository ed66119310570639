package data

import "math/bits"

// Sampler orders N items into batches of Batch: batch k holds positions
// [k*Batch, (k+1)*Batch) of the endless sequence epoch 0's order, epoch 1's
// order, ..., so every batch is full and runs on into the next epoch. Each
// epoch's order is a permutation seeded by (Seed, epoch), or 0..N-1 without
// Shuffle.
type Sampler struct {
	N, Batch int
	Shuffle  bool
	Seed     int64
}

// Indices returns the item indices of batch k (k >= 0); nil when N or Batch
// is not positive or k is negative.
func (s Sampler) Indices(k int) []int {
	if s.N < 1 || s.Batch < 1 || k < 0 {
		return nil
	}
	out := make([]int, s.Batch)
	epoch, order := -1, []int(nil)
	for j := range out {
		p := k*s.Batch + j
		if e := p / s.N; e != epoch {
			epoch, order = e, s.order(e)
		}
		out[j] = order[p%s.N]
	}
	return out
}

// Epoch is the epoch batch k starts in.
func (s Sampler) Epoch(k int) int {
	if s.N < 1 {
		return 0
	}
	return k * s.Batch / s.N
}

// order is epoch e's permutation of 0..N-1 (Fisher-Yates).
func (s Sampler) order(e int) []int {
	p := make([]int, s.N)
	for i := range p {
		p[i] = i
	}
	if !s.Shuffle {
		return p
	}
	r := newStream(streamOrder, uint64(s.Seed), uint64(e))
	for i := len(p) - 1; i > 0; i-- {
		j := r.below(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// Stream kinds keep the epoch orders and the crops from sharing numbers.
const (
	streamOrder = iota + 1
	streamCrop
)

// stream is a SplitMix64 generator. It is written out here, not taken from
// math/rand, so that the numbers behind a checkpoint's resumed batches are
// fixed by this file and no Go release can change them.
type stream struct{ state uint64 }

const golden = 0x9e3779b97f4a7c15

func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// newStream starts a generator whose state hashes all of words.
func newStream(words ...uint64) *stream {
	var h uint64
	for _, w := range words {
		h = mix64((h + golden) ^ w)
	}
	return &stream{state: h}
}

func (r *stream) next() uint64 {
	r.state += golden
	return mix64(r.state)
}

// below returns a uniform integer in [0, n), n >= 1, by Lemire's
// multiply-and-reject method (no modulo bias).
func (r *stream) below(n int) int {
	un := uint64(n)
	hi, lo := bits.Mul64(r.next(), un)
	if lo < un {
		for floor := -un % un; lo < floor; {
			hi, lo = bits.Mul64(r.next(), un)
		}
	}
	return int(hi)
}
