package pipeline

import (
	"context"
	"math"
	"strings"
	"testing"

	"tessera/engine/sample"
	"tessera/engine/tokens"
)

func setBudget(t *testing.T, b int64) {
	old := budgetOverride
	budgetOverride = b
	t.Cleanup(func() { budgetOverride = old })
}

func TestSaturatingSizes(t *testing.T) {
	if got := mul(1<<32, 1<<32, 16); got != math.MaxInt64 {
		t.Errorf("mul overflowed to %d", got)
	}
	if got := add(math.MaxInt64-1, 5); got != math.MaxInt64 {
		t.Errorf("add overflowed to %d", got)
	}
	if got := mul(3, 0, math.MaxInt64); got != 0 {
		t.Errorf("mul with a zero: %d", got)
	}
	if b, src := MemoryBudget(); b <= 0 || !strings.Contains(src, "GOMEMLIMIT") {
		t.Errorf("budget %d (%s)", b, src)
	}
	if got := FormatBytes(3 << 30); got != "3.0 GiB" {
		t.Errorf("FormatBytes = %q", got)
	}
}

// Sizes far beyond the budget are refused before anything is allocated,
// with the estimate and the budget; sizes that overflow int arithmetic
// are refused the same way instead of panicking.
func TestSampleRefusesWhatExceedsTheBudget(t *testing.T) {
	setBudget(t, 256<<20)
	m := openModel(t, "cin_transformer")
	class := 1
	for _, c := range []struct {
		w, h, count int
		want        string
	}{
		{100000, 100000, 1, "sampling 1 grid of 100000x100000 tokens needs about"},
		{4294967296, 8, 1, "sampling 1 grid of 4294967296x8 tokens needs about"},
		{math.MaxInt, math.MaxInt, 1, "needs about more than 8 EiB of memory"},
		{8, 8, 1000000000, "sampling 1000000000 grids of 8x8 tokens"},
	} {
		req := SampleRequest{W: c.w, H: c.h, Cond: Condition{Class: &class}, Options: sample.Options{Filter: sample.Filter{TopK: 1}, Count: c.count}}
		_, err := Sample(context.Background(), m, req, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "more than the budget of 256.0 MiB") {
			t.Errorf("%dx%d x%d: err = %v", c.w, c.h, c.count, err)
		}
	}
	// What fits still runs.
	req := SampleRequest{W: 8, H: 8, Cond: Condition{Class: &class}, Options: sample.Options{Filter: sample.Filter{TopK: 1}, Count: 2}}
	if res, err := Sample(context.Background(), m, req, nil); err != nil || len(res) != 2 {
		t.Fatalf("a small sample: %d results, %v", len(res), err)
	}
}

func TestSampleChecksFiltersFirst(t *testing.T) {
	m := openModel(t, "cin_transformer")
	class := 1
	for _, f := range []sample.Filter{{Temperature: math.NaN()}, {Temperature: math.Inf(1)}, {TopP: math.NaN()}} {
		req := SampleRequest{Cond: Condition{Class: &class}, Options: sample.Options{Filter: f}}
		if _, err := Sample(context.Background(), m, req, nil); err == nil || !strings.HasPrefix(err.Error(), "sample: ") {
			t.Errorf("%+v: err = %v", f, err)
		}
	}
}

func TestDecodeRefusesWhatExceedsTheBudget(t *testing.T) {
	setBudget(t, 64<<20)
	m := openModel(t, "vqgan")
	g := tokens.New(1, 1<<20) // a 4 x 4M-pixel image
	_, err := Decode(context.Background(), m, g, DecodeOptions{}, nil)
	if err == nil || !strings.Contains(err.Error(), "decoding a grid of 1x1048576 tokens needs about") {
		t.Fatalf("err = %v", err)
	}
}
