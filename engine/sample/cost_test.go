package sample

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"tessera/engine/tokens"
)

func fullMask(w, h int) tokens.Mask {
	m := tokens.NewMask(w, h)
	m.Fill(true)
	return m
}

// The schedule follows the window run: every input once on the native
// grid, and one more column makes each row refeed on moving right.
func TestSchedule(t *testing.T) {
	fed := func(calls []Call) (n int) {
		for _, c := range calls {
			n += c.Fed
		}
		return n
	}
	for _, c := range []struct {
		w, h, e, stride, cond int
		tile                  bool
		want                  int
	}{
		{8, 8, 8, 1, 1, false, 64},  // native, class token: each input once
		{4, 4, 4, 1, 16, false, 31}, // native, spatial: 16 cond inputs + 15 tokens
		// Each row starts in the left window and moves to the right one at
		// column 5, refeeding rows 0..i both times: sum over i of
		// (1+8i) + 4 + (1+8i+4) + 3.
		{9, 8, 8, 1, 1, false, 552},
	} {
		calls := Schedule(fullMask(c.w, c.h), c.e, c.cond, Options{Stride: c.stride, Tile: c.tile})
		if got := fed(calls); got != c.want || len(calls) != c.w*c.h {
			t.Errorf("%dx%d, e %d, cond %d: %d calls feeding %d inputs, want %d calls, %d inputs", c.w, c.h, c.e, c.cond, len(calls), got, c.w*c.h, c.want)
		}
	}
	if a, b := fed(Schedule(fullMask(32, 32), 8, 1, Options{})), fed(Schedule(fullMask(32, 32), 8, 1, Options{Stride: 4})); b >= a {
		t.Errorf("stride 4 feeds %d inputs, stride 1 %d", b, a)
	}
	if n := len(Schedule(fullMask(8, 8), 4, 1, Options{Tile: true})); n != 128 {
		t.Errorf("a tiling run makes %d calls, want two passes of 64", n)
	}
}

// A Cost is recovered from steps timed by one, with noise, and a fit on
// single steps alone (which cannot tell the fixed part from the per-input
// one) still predicts single steps.
func TestCostFitRecoversLinearModel(t *testing.T) {
	want := Cost{PerCall: 2e-3, PerInput: 5e-5, PerAttend: 1e-7}
	rng := rand.New(rand.NewPCG(1, 2))
	var fit, singles CostFit
	for range 2000 {
		c := Call{Fed: 1 + rng.IntN(300), Cached: rng.IntN(200)}
		took := float64(want.Time(1, c)) * (1 + 0.05*(rng.Float64()-0.5))
		fit.Add(Step{Call: c, Batch: 1, Took: time.Duration(took)})
		s := Call{Fed: 1, Cached: rng.IntN(500)}
		singles.Add(Step{Call: s, Batch: 1, Took: want.Time(1, s)})
	}
	got, ok := fit.Fit()
	if !ok {
		t.Fatal("no fit")
	}
	for _, p := range [][3]float64{{want.PerCall, got.PerCall}, {want.PerInput, got.PerInput}, {want.PerAttend, got.PerAttend}} {
		if math.Abs(p[1]-p[0]) > 0.05*p[0] {
			t.Errorf("fitted %+v, want %+v", got, want)
			break
		}
	}
	one, ok := singles.Fit()
	probe := Call{Fed: 1, Cached: 300}
	if !ok || math.Abs(float64(one.Time(1, probe)-want.Time(1, probe))) > 0.01*float64(want.Time(1, probe)) {
		t.Errorf("fit on single steps %+v (ok %v) predicts %v for %+v, want %v", one, ok, one.Time(1, probe), probe, want.Time(1, probe))
	}
	if _, ok := (&CostFit{}).Fit(); ok {
		t.Error("an empty fit claims a cost")
	}
}

// timings is testdata/timings/landscape.json: the calls of sliding-window
// runs of the built-in painter model, as engine/pipeline's
// TestRecordTimings writes them.
type timings struct {
	Machine string `json:"machine"`
	Runs    []struct {
		W, H  int
		Steps [][3]int64 `json:"steps"` // fed, cached, microseconds
	} `json:"runs"`
}

// A cost fitted on the native-size runs predicts the measured sampling time
// of the larger runs, whose windows move and refeed, within 25%.
func TestCostPredictsRecordedRuns(t *testing.T) {
	b, err := os.ReadFile("../../testdata/timings/landscape.json")
	if err != nil {
		t.Fatal(err)
	}
	var rec timings
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	native := rec.Runs[0].W
	var fit CostFit
	for _, r := range rec.Runs {
		if r.W == native && r.H == native {
			for _, s := range r.Steps {
				fit.Add(Step{Call: Call{Fed: int(s[0]), Cached: int(s[1])}, Batch: 1, Took: time.Duration(s[2]) * time.Microsecond})
			}
		}
	}
	cost, ok := fit.Fit()
	if !ok {
		t.Fatal("no fit on the native runs")
	}
	t.Logf("%s: %+v", rec.Machine, cost)
	larger := 0
	for _, r := range rec.Runs {
		if r.W == native && r.H == native {
			continue
		}
		larger++
		var calls []Call
		var took time.Duration
		for _, s := range r.Steps {
			calls = append(calls, Call{Fed: int(s[0]), Cached: int(s[1])})
			took += time.Duration(s[2]) * time.Microsecond
		}
		pred := cost.Time(1, calls...)
		t.Logf("%dx%d: predicted %v, measured %v", r.W, r.H, pred, took)
		if ratio := float64(pred) / float64(took); ratio < 0.75 || ratio > 1.25 {
			t.Errorf("%dx%d: predicted %v for a run that took %v (%.2f×)", r.W, r.H, pred, took, ratio)
		}
	}
	if larger == 0 {
		t.Error("the fixture has no run larger than the native grid")
	}
}
