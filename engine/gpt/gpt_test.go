package gpt

import (
	"math"
	"strings"
	"testing"

	"tessera/engine/weights"
)

var tiny = Config{VocabSize: 20, BlockSize: 9, NLayer: 2, NHead: 2, NEmbd: 8}

func load(t *testing.T) *Model {
	t.Helper()
	m, err := Load(weights.Random{Seed: 1}, "", tiny)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWindow(t *testing.T) {
	for _, tc := range []struct {
		block   int
		spatial bool
		want    int
	}{{512, true, 16}, {32, true, 4}, {256, false, 16}, {65, false, 8}, {1024, false, 32}} {
		if got := (Config{BlockSize: tc.block}).Window(tc.spatial); got != tc.want {
			t.Errorf("block %d spatial %v: window %d, want %d", tc.block, tc.spatial, got, tc.want)
		}
	}
}

// The cache path and the full pass agree, and positions past the fed ones
// never influence earlier logits.
func TestCacheMatchesFullPass(t *testing.T) {
	m := load(t)
	seq := []int{1, 5, 19, 0, 7, 7, 3, 12}
	full, err := m.Forward(m.NewCache(1, 9), seq, len(seq), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := m.NewCache(1, 9)
	if _, err := m.Forward(c, seq[:3], 3, nil); err != nil {
		t.Fatal(err)
	}
	rest, err := m.Forward(c, seq[3:], 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range rest {
		if d := math.Abs(float64(v - full[3*20+i])); d > 1e-5 {
			t.Fatalf("logit %d differs by %g between the cached and the full pass", i, d)
		}
	}
	// Rewinding and feeding other tokens gives the other sequence's logits.
	c.Truncate(3)
	alt := []int{2, 2, 2, 2, 2}
	got, _ := m.Forward(c, alt, 5, []int{4})
	want, _ := m.Forward(m.NewCache(1, 9), append(append([]int{}, seq[:3]...), alt...), 8, []int{7})
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > 1e-5 {
			t.Fatal("a truncated cache kept the old positions")
		}
	}
}

func TestForwardRejectsBadInput(t *testing.T) {
	m := load(t)
	cases := map[string]func() error{
		"outside the vocabulary": func() error { _, err := m.Forward(m.NewCache(1, 9), []int{20}, 1, nil); return err },
		"exceed the context": func() error {
			_, err := m.Forward(m.NewCache(1, 12), make([]int, 10), 10, nil)
			return err
		},
		"batch of 2":        func() error { _, err := m.Forward(m.NewCache(2, 9), []int{1, 2, 3}, 2, nil); return err },
		"outside the 2 fed": func() error { _, err := m.Forward(m.NewCache(1, 9), []int{1, 2}, 2, []int{2}); return err },
	}
	for want, f := range cases {
		if err := f(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error about %q, got %v", want, err)
		}
	}
	if err := (Config{VocabSize: 4, BlockSize: 4, NLayer: 1, NHead: 3, NEmbd: 8}).Validate(); err == nil {
		t.Error("accepted 8 channels in 3 heads")
	}
}
