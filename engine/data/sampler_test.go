package data

import (
	"slices"
	"testing"
)

func TestSamplerInOrderRunsOnIntoTheNextEpoch(t *testing.T) {
	s := Sampler{N: 5, Batch: 3}
	want := [][]int{{0, 1, 2}, {3, 4, 0}, {1, 2, 3}, {4, 0, 1}}
	for k, w := range want {
		if got := s.Indices(k); !slices.Equal(got, w) {
			t.Errorf("batch %d: %v, want %v", k, got, w)
		}
	}
	for k, e := range []int{0, 0, 1, 1, 2, 3} { // batch k starts at position 3k
		if got := s.Epoch(k); got != e {
			t.Errorf("batch %d starts in epoch %d, want %d", k, got, e)
		}
	}
	big := Sampler{N: 2, Batch: 5}
	if got := big.Indices(1); !slices.Equal(got, []int{1, 0, 1, 0, 1}) {
		t.Errorf("a batch larger than the set: %v", got)
	}
	for _, bad := range []Sampler{{N: 0, Batch: 3}, {N: 3, Batch: 0}} {
		if got := bad.Indices(0); got != nil {
			t.Errorf("%+v gave %v", bad, got)
		}
	}
	if got := s.Indices(-1); got != nil {
		t.Errorf("batch -1 gave %v", got)
	}
}

func TestSamplerShufflesEachEpochDeterministically(t *testing.T) {
	const n, b = 7, 3
	s := Sampler{N: n, Batch: b, Shuffle: true, Seed: 42}
	var seq []int
	for k := range 7 { // 21 positions: exactly three epochs
		seq = append(seq, s.Indices(k)...)
	}
	epochs := [][]int{seq[:n], seq[n : 2*n], seq[2*n:]}
	for e, order := range epochs {
		sorted := slices.Sorted(slices.Values(order))
		if !slices.Equal(sorted, []int{0, 1, 2, 3, 4, 5, 6}) {
			t.Fatalf("epoch %d is %v, not a permutation", e, order)
		}
		if !slices.Equal(order, s.order(e)) {
			t.Errorf("epoch %d: batches give %v, the epoch's order is %v", e, order, s.order(e))
		}
	}
	if slices.Equal(epochs[0], epochs[1]) && slices.Equal(epochs[1], epochs[2]) {
		t.Errorf("three epochs in the same order %v", epochs[0])
	}
	// A fresh sampler (a resumed run) gives the same batch 5 without
	// replaying batches 0..4.
	if again := (Sampler{N: n, Batch: b, Shuffle: true, Seed: 42}).Indices(5); !slices.Equal(again, seq[15:18]) {
		t.Errorf("batch 5 resumed %v, first time %v", again, seq[15:18])
	}
	other := Sampler{N: 50, Batch: 50, Shuffle: true, Seed: 43}
	if slices.Equal(other.Indices(0), (Sampler{N: 50, Batch: 50, Shuffle: true, Seed: 42}).Indices(0)) {
		t.Errorf("seeds 42 and 43 give the same order of 50 items")
	}
}

// The numbers behind resumed runs are fixed by this package: if they
// change, checkpoints written before no longer resume exactly.
func TestSamplerOrderIsPinned(t *testing.T) {
	s := Sampler{N: 10, Batch: 10, Shuffle: true, Seed: 1}
	got := s.Indices(0)
	want := []int{3, 2, 0, 6, 7, 4, 9, 1, 5, 8}
	if !slices.Equal(got, want) {
		t.Errorf("seed 1's first epoch %v, want %v", got, want)
	}
}

func TestStreamBelowIsUniform(t *testing.T) {
	r := newStream(99)
	var counts [3]int
	for range 30000 {
		counts[r.below(3)]++
	}
	for v, c := range counts {
		if c < 9500 || c > 10500 { // ~ 12 standard deviations
			t.Errorf("value %d drawn %d times in 30000, want about 10000", v, c)
		}
	}
	if newStream(1, 2).next() == newStream(2, 1).next() {
		t.Errorf("the words' order does not matter to the stream")
	}
}
