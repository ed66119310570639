package pipeline

import (
	"testing"
	"time"

	"tessera/engine/sample"
)

// An estimate is the calls, the previews due among them, capped to their
// share of the run, and the decode of every grid.
func TestCostEstimate(t *testing.T) {
	c := Cost{Sampling: sample.Cost{PerCall: 0.01}, DecodePerCell: time.Millisecond}
	calls := make([]sample.Call, 100)
	for i := range calls {
		calls[i] = sample.Call{Fed: 1, Cached: i}
	}
	for _, tc := range []struct {
		req  SampleRequest
		want time.Duration
	}{
		{SampleRequest{}, time.Second + 100*time.Millisecond},                                                           // 100 calls, one 10×10 decode
		{SampleRequest{Options: sample.Options{Count: 2}}, time.Second + 200*time.Millisecond},                          // one call per token for both grids
		{SampleRequest{PreviewEvery: 10}, time.Second + 10*100*time.Millisecond + 100*time.Millisecond},                 // ten previews
		{SampleRequest{PreviewEvery: 10, PreviewShare: 0.2}, time.Second + 250*time.Millisecond + 100*time.Millisecond}, // a fifth of the run
	} {
		if got := c.Estimate(tc.req, calls, 10, 10); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.req, got, tc.want)
		}
	}
}
