package session

import (
	"errors"
	"image"
	"path/filepath"
	"testing"
	"time"

	"tessera/engine/codebook"
	"tessera/engine/imgio"
	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/pipeline"
	"tessera/engine/sample"
	"tessera/engine/tokens"
)

func tiny(name string, parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata", "taming-tiny", name}, parts...)...)
}

func wait(t *testing.T, j *jobs.Job) jobs.Result {
	t.Helper()
	<-j.Done()
	if err := j.Err(); err != nil {
		t.Fatalf("%s: %v", j.Name, err)
	}
	return j.Result()
}

func open(t *testing.T, name string) *Session {
	t.Helper()
	s := New()
	t.Cleanup(s.Close)
	wait(t, s.OpenModel(tiny(name), ""))
	return s
}

func TestOperationsNeedAModel(t *testing.T) {
	s := New()
	defer s.Close()
	j := s.Decode(tokens.New(8, 8), pipeline.DecodeOptions{})
	<-j.Done()
	if !errors.Is(j.Err(), ErrNoModel) {
		t.Fatalf("err = %v", j.Err())
	}
	j = s.OpenModel(tiny("nothing-here"), "")
	<-j.Done()
	if j.Err() == nil {
		t.Fatal("opened a missing model")
	}
	if m, _ := s.Model(); m != nil {
		t.Fatal("a failed open set a model")
	}
}

func TestOpenEncodeDecode(t *testing.T) {
	s := New()
	defer s.Close()
	var seen *model.Card
	s.OnModelChange(func(_ *model.Model, c *model.Card) { seen = c })
	card := wait(t, s.OpenModel(tiny("vqgan"), "")).(*model.Card)
	if seen != card || card.Kind != model.KindVQGAN {
		t.Fatalf("card %+v, listener saw %+v", card, seen)
	}
	img, _, err := imgio.Load(tiny("vqgan", "input0.png"), 4)
	if err != nil {
		t.Fatal(err)
	}
	enc := wait(t, s.Encode(img)).(*Encoded)
	if enc.Grid.W != 8 || enc.Image.Bounds().Dx() != 32 {
		t.Fatalf("grid %dx%d, image %v", enc.Grid.W, enc.Grid.H, enc.Image.Bounds())
	}
	out := wait(t, s.Decode(enc.Grid, pipeline.DecodeOptions{})).(*image.NRGBA)
	if out.Bounds() != enc.Image.Bounds() || string(out.Pix) != string(enc.Image.Pix) {
		t.Fatal("decoding the encoded grid differs from the encode job's image")
	}
}

func TestSampleResampleAndCost(t *testing.T) {
	s := open(t, "cin_transformer")
	if _, ok := s.Cost(); ok {
		t.Fatal("a cost before any sampling")
	}
	class := 2
	req := pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}, Options: sample.Options{Seed: 1, Count: 2}, PreviewEvery: 16}
	j := s.Sample(req)
	res := wait(t, j).([]pipeline.Result)
	if len(res) != 2 {
		t.Fatalf("%d results", len(res))
	}
	cost, ok := s.Cost()
	if !ok || cost.DecodePerCell <= 0 {
		t.Fatalf("cost %+v (ok %v) after sampling: want the calls and the decode measured", cost, ok)
	}
	// The tiny model's native 8×8 grid: one call per token, each fed one
	// input, and an estimate above the decode alone.
	calls, w, h := pipeline.Plan(s.model, req)
	if len(calls) != 64 || calls[63] != (sample.Call{Fed: 1, Cached: 63}) || w != 8 || h != 8 {
		t.Errorf("plan: %d calls (last %+v) for %dx%d", len(calls), calls[len(calls)-1], w, h)
	}
	if est := cost.Estimate(req, calls, w, h); est <= cost.DecodePerCell*128 {
		t.Errorf("estimate %v with the cost %+v", est, cost)
	}
	mask, _ := tokens.MaskFromRect(8, 8, 0, 0, 2, 2)
	out := wait(t, s.Resample(res[0].Grid, mask, req)).([]pipeline.Result)
	for i := 2; i < 64; i++ {
		if i%8 >= 2 || i/8 >= 2 {
			if out[0].Grid.Codes[i] != res[0].Grid.Codes[i] {
				t.Fatalf("token %d outside the mask changed", i)
			}
		}
	}
}

func TestSampleProgressCarriesPreviews(t *testing.T) {
	s := open(t, "cin_transformer")
	events, stop := s.Worker.Subscribe()
	defer stop()
	class := 1
	j := s.Sample(pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}, PreviewEvery: 8})
	previews := 0
	for ev := range events {
		if ev.Job != j {
			continue
		}
		if p, ok := ev.Job.Progress().Preview.(Sampled); ok && p.Image != nil {
			previews++
		}
		if ev.Kind == jobs.Finished {
			break
		}
	}
	wait(t, j)
	if previews == 0 {
		t.Fatal("no preview image reached the job's progress")
	}
}

// Once a run was timed, the progress of the next carries the time left
// the cost model gives for the rest of its schedule, which runs down.
func TestSampleProgressCarriesModelledTimeLeft(t *testing.T) {
	s := open(t, "cin_transformer")
	class := 1
	req := pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}}
	wait(t, s.Sample(req)) // the native grid: times the calls
	req.W, req.H = 16, 12
	events, stop := s.Worker.Subscribe()
	defer stop()
	j := s.Sample(req)
	var lefts []time.Duration
	for ev := range events {
		if ev.Job != j {
			continue
		}
		if p := j.Progress(); p.Phase == "sampling" {
			lefts = append(lefts, p.Left)
		}
		if ev.Kind == jobs.Finished {
			break
		}
	}
	wait(t, j)
	if len(lefts) < 2 || lefts[0] <= 0 || lefts[len(lefts)-1] >= lefts[0] {
		t.Fatalf("time left while sampling: %v", lefts)
	}
}

func TestCancelledSampleKeepsPartialResult(t *testing.T) {
	s := open(t, "cin_transformer")
	class := 1
	j := s.Sample(pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}, W: 16, H: 16})
	events, stop := s.Worker.Subscribe()
	defer stop()
	for ev := range events {
		if ev.Job == j && ev.Kind == jobs.Progressed {
			j.Cancel()
			break
		}
	}
	<-j.Done()
	if j.State() != jobs.Cancelled {
		t.Fatalf("state %v (%v)", j.State(), j.Err())
	}
	if res, ok := j.Result().([]pipeline.Result); !ok || len(res) != 1 || res[0].Image == nil {
		t.Fatalf("partial result %v", j.Result())
	}
}

func TestCodebookAndUsage(t *testing.T) {
	s := open(t, "vqgan")
	cb := wait(t, s.Codebook()).(*Codebook)
	if len(cb.Patches) != 64 || cb.Dim != 16 || len(cb.Map) != 64 {
		t.Fatalf("%d patches, dim %d, %d map points", len(cb.Patches), cb.Dim, len(cb.Map))
	}
	if nb := cb.Neighbors(5, 3); len(nb) != 3 {
		t.Fatalf("neighbours %v", nb)
	}
	u := wait(t, s.Usage([]string{tiny("vqgan", "input0.png"), tiny("vqgan", "input1.png")})).(codebook.Usage)
	if u.Total != 128 || u.Perplexity() <= 1 {
		t.Fatalf("usage total %d perplexity %v", u.Total, u.Perplexity())
	}
}

func TestHistory(t *testing.T) {
	h := NewHistory(2)
	a, b, c, d := tokens.New(1, 1), tokens.New(1, 1), tokens.New(1, 1), tokens.New(1, 1)
	b.Codes[0], c.Codes[0], d.Codes[0] = 1, 2, 3
	h.Push(a)
	h.Push(b)
	h.Push(c) // a falls off: the limit is 2
	g, ok := h.Undo(d)
	if !ok || g.Codes[0] != 2 {
		t.Fatalf("undo gave %v", g.Codes)
	}
	g, _ = h.Undo(g)
	if g.Codes[0] != 1 || h.CanUndo() {
		t.Fatalf("second undo gave %v, can undo %v", g.Codes, h.CanUndo())
	}
	g, ok = h.Redo(g)
	if !ok || g.Codes[0] != 2 {
		t.Fatalf("redo gave %v", g.Codes)
	}
	h.Push(g)
	if h.CanRedo() {
		t.Fatal("an edit after undo kept the redo steps")
	}
}
