package pipeline

import (
	"context"
	"encoding/json"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"tessera/engine/data/landscape"
	"tessera/engine/model"
	"tessera/engine/sample"
)

// TestRecordTimings writes the per-call timings of sliding-window runs of
// the built-in painter model (the native 16×16 grid three times, 32×16 and
// 48×24 tokens) to the file TESSERA_RECORD_TIMINGS names: the
// fixture engine/sample's cost model is tested on
// (testdata/timings/landscape.json). Skipped without the variable.
func TestRecordTimings(t *testing.T) {
	path := os.Getenv("TESSERA_RECORD_TIMINGS")
	if path == "" {
		t.Skip("set TESSERA_RECORD_TIMINGS=FILE to record")
	}
	m := openBuiltin(t, model.DefaultModel)
	f := m.FirstStage.Config.Factor()
	e := m.Window()
	type run struct {
		W, H     int
		Steps    [][3]int64 `json:"steps"` // fed, cached, microseconds
		DecodeMS int64      `json:"decode_ms"`
	}
	out := struct {
		Model   string `json:"model"`
		Machine string `json:"machine"`
		Runs    []run  `json:"runs"`
	}{Model: model.DefaultModel, Machine: os.Getenv("TESSERA_MACHINE") + " GOMAXPROCS " + strconv.Itoa(runtime.GOMAXPROCS(0))}
	// The native grid between the larger ones, so a fit on the native runs
	// sees the machine's load over the whole recording (it is shared).
	for _, size := range [][2]int{{e, e}, {2 * e, e}, {e, e}, {3 * e, 3 * e / 2}, {e, e}} {
		w, h := size[0], size[1]
		_, labels, err := landscape.Generate(heldOutSeed, w*f, h*f, landscape.Random)
		if err != nil {
			t.Fatal(err)
		}
		lm := &LabelMap{W: w * f, H: h * f, Labels: make([]int, len(labels))}
		for i, l := range labels {
			lm.Labels[i] = int(l)
		}
		r := run{W: w, H: h}
		req := SampleRequest{Cond: Condition{Labels: lm}, W: w, H: h, Options: sample.Options{Seed: 7, Filter: sample.Filter{TopK: 50},
			Steps: func(s sample.Step) {
				r.Steps = append(r.Steps, [3]int64{int64(s.Fed), int64(s.Cached), s.Took.Microseconds()})
			}}}
		var decodeAt time.Time
		progress := func(p Progress) {
			if p.Stage == "decoding" {
				decodeAt = time.Now()
			}
		}
		if _, err := Sample(context.Background(), m, req, progress); err != nil {
			t.Fatal(err)
		}
		r.DecodeMS = time.Since(decodeAt).Milliseconds()
		out.Runs = append(out.Runs, r)
		t.Logf("%dx%d: %d calls, decode %d ms", w, h, len(r.Steps), r.DecodeMS)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
