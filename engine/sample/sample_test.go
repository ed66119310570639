package sample_test

import (
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"testing"
	"time"

	"tessera/engine/ckpt"
	"tessera/engine/internal/reftest"
	"tessera/engine/model"
	"tessera/engine/sample"
	"tessera/engine/tokens"
)

func open(t *testing.T, name string) (*model.Model, *ckpt.File) {
	t.Helper()
	m, err := model.Open(reftest.Path(name), "")
	if err != nil {
		t.Fatal(err)
	}
	return m, reftest.Vectors(t, name)
}

var greedy = sample.Options{Filter: sample.Filter{TopK: 1}}

func TestClassConditionalGreedyMatchesReference(t *testing.T) {
	m, v := open(t, "cin_transformer")
	classes, want := reftest.Ints(t, v, "class_tokens"), reftest.Ints(t, v, "greedy_tokens")
	for b, class := range classes {
		s := sample.New(m.Transformer, sample.Cond{Token: class})
		grids, err := s.Sample(context.Background(), 8, 8, greedy)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(grids[0].Codes, want[b*64:(b+1)*64]) {
			t.Fatalf("class %d:\n got %v\nwant %v", class, grids[0].Codes, want[b*64:(b+1)*64])
		}
	}
}

func TestSlidingWindowGreedyMatchesReference(t *testing.T) {
	m, v := open(t, "seg_transformer")
	cond := tokens.Grid{W: 14, H: 10, Codes: reftest.Ints(t, v, "cond_indices")}
	s := sample.New(m.Transformer, sample.Cond{Grid: &cond})
	if s.Window() != 4 {
		t.Fatalf("window %d, want 4 (block 32 = 2 x 4x4)", s.Window())
	}
	grids, err := s.Sample(context.Background(), 14, 10, greedy)
	if err != nil {
		t.Fatal(err)
	}
	if want := reftest.Ints(t, v, "sliding_greedy_tokens"); !slices.Equal(grids[0].Codes, want) {
		t.Fatalf("sliding window:\n got %v\nwant %v", grids[0].Codes, want)
	}
}

func TestFiltersMatchReference(t *testing.T) {
	_, v := open(t, "cin_transformer")
	last := reftest.Floats(t, v, "last_logits")
	const vocab = 64
	topk := slices.Clone(last)
	for b := 0; b < 2; b++ {
		sample.TopK(topk[b*vocab:(b+1)*vocab], 5)
	}
	assertProbs(t, "topk5_logits", topk, reftest.Floats(t, v, "topk5_logits"))
	for key, f := range map[string]sample.Filter{
		"filter/k5_pNone_t1.0": {TopK: 5, Temperature: 1},
		"filter/k10_p0.7_t0.8": {TopK: 10, TopP: 0.7, Temperature: 0.8},
		"filter/k64_p0.9_t1.3": {TopK: 64, TopP: 0.9, Temperature: 1.3},
	} {
		got := slices.Clone(last)
		for b := 0; b < 2; b++ {
			f.Apply(got[b*vocab : (b+1)*vocab])
		}
		assertProbs(t, key, got, reftest.Floats(t, v, key))
	}
}

func assertProbs(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range got {
		g, w := float64(got[i]), float64(want[i])
		if math.IsInf(w, -1) != math.IsInf(g, -1) || (!math.IsInf(w, -1) && math.Abs(g-w) > 1e-5) {
			t.Fatalf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

func TestTopPWithoutTopK(t *testing.T) {
	logits := []float32{3, 1, 2, 0}
	f := sample.Filter{TopP: 0.7}
	f.Apply(logits)
	// softmax(3,2,1,0) = .644 .237 .087 .032: the best alone is below 0.7,
	// so the second is kept too, and nothing else.
	if logits[0] <= 0 || logits[2] <= 0 || logits[1] != 0 || logits[3] != 0 {
		t.Fatalf("nucleus 0.7 kept %v", logits)
	}
}

func TestSeedsAreReproducible(t *testing.T) {
	m, _ := open(t, "cin_transformer")
	s := sample.New(m.Transformer, sample.Cond{Token: 4})
	opt := sample.Options{Filter: sample.Filter{TopK: 20, TopP: 0.95, Temperature: 1}, Seed: 42, Count: 3}
	a, err := s.Sample(context.Background(), 8, 8, opt)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	b, err := s.Sample(context.Background(), 8, 8, opt)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if !slices.Equal(a[i].Codes, b[i].Codes) {
			t.Fatalf("sample %d differs between runs on 2 threads and on 1", i)
		}
	}
	if slices.Equal(a[0].Codes, a[1].Codes) {
		t.Fatal("two samples of one batch are identical")
	}
	opt.Seed = 43
	c, _ := s.Sample(context.Background(), 8, 8, opt)
	if slices.Equal(a[0].Codes, c[0].Codes) {
		t.Fatal("a different seed gave the same grid")
	}
}

func TestResampleKeepsUnmaskedTokens(t *testing.T) {
	m, v := open(t, "seg_transformer")
	cond := tokens.Grid{W: 14, H: 10, Codes: reftest.Ints(t, v, "cond_indices")}
	s := sample.New(m.Transformer, sample.Cond{Grid: &cond})
	opt := sample.Options{Filter: sample.Filter{TopK: 16}, Seed: 7}
	base, err := s.Sample(context.Background(), 14, 10, opt)
	if err != nil {
		t.Fatal(err)
	}
	mask, err := tokens.MaskFromRect(14, 10, 5, 3, 4, 4)
	if err != nil {
		t.Fatal(err)
	}
	opt.Seed = 8
	out, err := s.Resample(context.Background(), base, mask, opt)
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for y := 0; y < 10; y++ {
		for x := 0; x < 14; x++ {
			a, b := base[0].At(x, y), out[0].At(x, y)
			if !mask.At(x, y) && a != b {
				t.Fatalf("token (%d,%d) outside the mask changed", x, y)
			}
			if a != b {
				changed++
			}
		}
	}
	if changed == 0 {
		t.Fatal("resampling with another seed changed nothing in the region")
	}
	// Same seed, same region: the same tokens.
	again, _ := s.Resample(context.Background(), base, mask, opt)
	if !slices.Equal(again[0].Codes, out[0].Codes) {
		t.Fatal("resampling is not reproducible")
	}
}

// A mask of any shape is redrawn alone: cells outside it never change,
// even inside its bounding box, and one set cell by cell over a rectangle
// draws what MaskFromRect's does.
func TestResampleKeepsCellsOutsideAnyMask(t *testing.T) {
	m, v := open(t, "seg_transformer")
	cond := tokens.Grid{W: 14, H: 10, Codes: reftest.Ints(t, v, "cond_indices")}
	s := sample.New(m.Transformer, sample.Cond{Grid: &cond})
	opt := sample.Options{Filter: sample.Filter{TopK: 16}, Seed: 7}
	base, err := s.Sample(context.Background(), 14, 10, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Seed = 8
	ring := tokens.NewMask(14, 10) // the border of a 5x4 box, and one cell apart
	for y := 3; y < 7; y++ {
		for x := 5; x < 10; x++ {
			ring.Set(x, y, y == 3 || y == 6 || x == 5 || x == 9)
		}
	}
	ring.Set(0, 9, true)
	for range 3 { // three seeds: three different draws inside the mask
		out, err := s.Resample(context.Background(), base, ring, opt)
		if err != nil {
			t.Fatal(err)
		}
		changed := 0
		for y := range 10 {
			for x := range 14 {
				a, b := base[0].At(x, y), out[0].At(x, y)
				if !ring.At(x, y) && a != b {
					t.Fatalf("seed %d: token (%d,%d) outside the mask changed", opt.Seed, x, y)
				}
				if a != b {
					changed++
				}
			}
		}
		if changed == 0 {
			t.Fatalf("seed %d changed nothing in the mask", opt.Seed)
		}
		opt.Seed++
	}
	rect, _ := tokens.MaskFromRect(14, 10, 5, 3, 4, 4)
	cells := tokens.NewMask(14, 10)
	for y := 3; y < 7; y++ {
		for x := 5; x < 9; x++ {
			cells.Set(x, y, true)
		}
	}
	a, _ := s.Resample(context.Background(), base, rect, opt)
	b, _ := s.Resample(context.Background(), base, cells, opt)
	if !slices.Equal(a[0].Codes, b[0].Codes) {
		t.Fatal("a mask set cell by cell over a rectangle drew other tokens than MaskFromRect's")
	}
}

func TestCancelReturnsPartialGrid(t *testing.T) {
	m, _ := open(t, "cin_transformer")
	s := sample.New(m.Transformer, sample.Cond{Token: 1})
	ctx, cancel := context.WithCancel(context.Background())
	steps := 0
	opt := sample.Options{Filter: sample.Filter{TopK: 8}, Progress: func(p sample.Progress) {
		steps = p.Done
		if p.Total != 64 {
			t.Errorf("total %d, want 64", p.Total)
		}
		if p.Done == 10 {
			cancel()
		}
	}}
	grids, err := s.Sample(ctx, 8, 8, opt)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want cancellation", err)
	}
	if steps != 10 || len(grids) != 1 {
		t.Fatalf("ran %d steps after cancelling at 10", steps)
	}
}

func TestRejectsBadRequests(t *testing.T) {
	m, _ := open(t, "cin_transformer")
	s := sample.New(m.Transformer, sample.Cond{Token: 1})
	if _, err := s.Sample(context.Background(), 4, 8, greedy); err == nil {
		t.Fatal("sampled a grid narrower than the window")
	}
	bad := sample.New(m.Transformer, sample.Cond{Token: 99})
	if _, err := bad.Sample(context.Background(), 8, 8, greedy); err == nil {
		t.Fatal("sampled with a class outside the vocabulary")
	}
}

func TestVocabLimitKeepsTokensDecodable(t *testing.T) {
	m, _ := open(t, "cin_transformer")
	s := sample.New(m.Transformer, sample.Cond{Token: 2})
	grids, err := s.Sample(context.Background(), 8, 8, sample.Options{Seed: 3, Vocab: 10})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range grids[0].Codes {
		if c >= 10 {
			t.Fatalf("token %d at %d is past the limit of 10", c, i)
		}
	}
}

// A temperature so small that the logits divided by it overflow float32
// samples greedily, where it used to turn every logit into ±Inf and the
// probabilities into NaN (a constant grid whatever the model said).
func TestTinyTemperatureIsGreedy(t *testing.T) {
	row := []float32{1, 3, -2, 3, float32(math.Inf(-1))}
	sample.Filter{Temperature: 1e-38}.Apply(row)
	if want := []float32{0, 0.5, 0, 0.5, 0}; !slices.Equal(row, want) {
		t.Fatalf("probabilities %v, want %v", row, want)
	}
	m, v := open(t, "cin_transformer")
	classes, want := reftest.Ints(t, v, "class_tokens"), reftest.Ints(t, v, "greedy_tokens")
	s := sample.New(m.Transformer, sample.Cond{Token: classes[0]})
	for _, temp := range []float64{1e-38, 5e-324} {
		grids, err := s.Sample(context.Background(), 8, 8, sample.Options{Filter: sample.Filter{Temperature: temp}, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(grids[0].Codes, want[:64]) {
			t.Fatalf("temperature %g:\n got %v\nwant the greedy %v", temp, grids[0].Codes, want[:64])
		}
	}
}

func TestFilterValidate(t *testing.T) {
	for _, f := range []sample.Filter{
		{Temperature: math.NaN()}, {Temperature: math.Inf(1)}, {Temperature: -1},
		{TopP: math.NaN()}, {TopP: 1.5}, {TopP: -0.1}, {TopK: -1},
	} {
		if err := f.Validate(); err == nil {
			t.Errorf("%+v passed", f)
		}
	}
	for _, f := range []sample.Filter{{}, {Temperature: 1e-38, TopK: 5, TopP: 1}, {Temperature: 2, TopP: 0.9}} {
		if err := f.Validate(); err != nil {
			t.Errorf("%+v: %v", f, err)
		}
	}
}

// Cancelling stops a sliding-window run before the next token: after
// cancelling at token n the sampler makes no further transformer call and
// reports no further token, and returns at once with the context's error.
func TestCancelStopsWithinOneToken(t *testing.T) {
	m, _ := open(t, "cin_transformer")
	for _, n := range []int{1, 37, 100} {
		ctx, cancel := context.WithCancel(context.Background())
		calls, last := 0, 0
		var at time.Time
		opt := sample.Options{Seed: 3, Filter: sample.Filter{TopK: 5},
			Steps: func(sample.Step) { calls++ },
			Progress: func(p sample.Progress) {
				last = p.Done
				if p.Done == n {
					at = time.Now()
					cancel()
				}
			}}
		_, err := sample.New(m.Transformer, sample.Cond{Token: 1}).Sample(ctx, 24, 16, opt)
		took := time.Since(at)
		if !errors.Is(err, context.Canceled) || calls != n || last != n {
			t.Errorf("cancelled at %d: %d calls, last progress %d, err %v", n, calls, last, err)
		}
		if took > time.Second {
			t.Errorf("cancelled at %d: returned after %v", n, took)
		}
	}
}
