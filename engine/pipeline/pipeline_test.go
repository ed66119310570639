package pipeline

import (
	"context"
	"errors"
	"image"
	"math"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"tessera/engine/imgio"
	"tessera/engine/internal/reftest"
	"tessera/engine/model"
	"tessera/engine/nn"
	"tessera/engine/sample"
	"tessera/engine/tokens"
)

func openModel(t *testing.T, name string) *model.Model {
	t.Helper()
	m, err := model.Open(reftest.Path(name), "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEncodeFileMatchesReferenceIndices(t *testing.T) {
	m := openModel(t, "vqgan")
	want := reftest.Ints(t, reftest.Vectors(t, "vqgan"), "indices")
	for i, name := range []string{"input0.png", "input1.png"} {
		g, notes, err := EncodeFile(m, reftest.Path("vqgan", name))
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != 0 || g.W != 8 || g.H != 8 {
			t.Fatalf("%s: %dx%d grid, notes %v", name, g.W, g.H, notes)
		}
		if !slices.Equal(g.Codes, want[i*64:(i+1)*64]) {
			t.Fatalf("%s: tokens differ from the reference", name)
		}
	}
}

func loadLabels(t *testing.T) *LabelMap {
	t.Helper()
	labels, w, h, err := imgio.LoadLabels(reftest.Path("seg_transformer", "segmentation.png"))
	if err != nil {
		t.Fatal(err)
	}
	return &LabelMap{W: w, H: h, Labels: labels}
}

func TestSegmentationSampleMatchesReference(t *testing.T) {
	m := openModel(t, "seg_transformer")
	req := SampleRequest{Cond: Condition{Labels: loadLabels(t), Describe: "segmentation.png"}, Options: sample.Options{Filter: sample.Filter{TopK: 1}}}
	var last Progress
	res, err := Sample(context.Background(), m, req, func(p Progress) {
		if p.Stage == "sampling" {
			last = p
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if last.Done != 140 || last.Total != 140 {
		t.Fatalf("last progress %d/%d, want 140/140", last.Done, last.Total)
	}
	if !slices.Equal(res[0].Grid.Codes, reftest.Ints(t, reftest.Vectors(t, "seg_transformer"), "sliding_greedy_tokens")) {
		t.Fatal("greedy segmentation sample differs from the reference")
	}
	decoded := reftest.Floats(t, reftest.Vectors(t, "seg_transformer"), "decoded")
	img := res[0].Image
	if img.Bounds().Dx() != 56 || img.Bounds().Dy() != 40 {
		t.Fatalf("image %v, want 56x40", img.Bounds())
	}
	// Pixels are round((clamp(x,-1,1)+1)*127.5) of the reference decode.
	for c := 0; c < 3; c++ {
		for y := 0; y < 40; y++ {
			for x := 0; x < 56; x++ {
				v := math.Max(-1, math.Min(1, float64(decoded[(c*40+y)*56+x])))
				want := math.Round((v + 1) * 127.5)
				got := float64(img.Pix[y*img.Stride+x*4+c])
				if math.Abs(got-want) > 1 {
					t.Fatalf("pixel (%d,%d) channel %d = %v, want %v", x, y, c, got, want)
				}
			}
		}
	}
	if res[0].Params["condition"] != "segmentation.png" || res[0].Params["top_k"] != 1 {
		t.Fatalf("params %v", res[0].Params)
	}
}

func TestBadConditionsAreClearErrors(t *testing.T) {
	seg := openModel(t, "seg_transformer")
	lm := loadLabels(t)
	lm.Labels[3*lm.W+7] = 9
	_, err := Sample(context.Background(), seg, SampleRequest{Cond: Condition{Labels: lm, Describe: "map.png"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "label 9") || !strings.Contains(err.Error(), "(7,3)") || !strings.Contains(err.Error(), "map.png") {
		t.Fatalf("out-of-range label: %v", err)
	}
	cin := openModel(t, "cin_transformer")
	if _, err := Sample(context.Background(), cin, SampleRequest{}, nil); err == nil || !strings.Contains(err.Error(), "class-conditional") {
		t.Fatalf("missing class: %v", err)
	}
	c := 12
	if _, err := Sample(context.Background(), cin, SampleRequest{Cond: Condition{Class: &c}}, nil); err == nil || !strings.Contains(err.Error(), "class 12") {
		t.Fatalf("class out of range: %v", err)
	}
	if _, err := Sample(context.Background(), openModel(t, "vqgan"), SampleRequest{}, nil); err == nil {
		t.Fatal("sampled from a first stage")
	}
}

func TestCancelledSampleKeepsPartialImage(t *testing.T) {
	m := openModel(t, "cin_transformer")
	class := 3
	ctx, cancel := context.WithCancel(context.Background())
	req := SampleRequest{Cond: Condition{Class: &class}, Options: sample.Options{Seed: 1}}
	res, err := Sample(ctx, m, req, func(p Progress) {
		if p.Done == 20 && p.Stage == "sampling" {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || len(res) != 1 || res[0].Image == nil {
		t.Fatalf("err %v, %d results", err, len(res))
	}
	if !IsPartial(res[0].Params) {
		t.Errorf("a cancelled result is not marked partial: %v", res[0].Params)
	}
	whole, err := Sample(context.Background(), m, req, nil)
	if err != nil || IsPartial(whole[0].Params) {
		t.Errorf("a whole result: err %v, parameters %v", err, whole[0].Params)
	}
}

// rollDiff rolls img by half its size and returns the largest pixel
// difference from want: a tiling image rolled by half is exactly the decode
// of its token grid rolled by half, with nothing special where the old edges
// now meet in the middle.
func rollDiff(img, want *image.NRGBA) float64 {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	worst := 0.0
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sx, sy := (x+w/2)%w, (y+h/2)%h
			for c := 0; c < 3; c++ {
				d := math.Abs(float64(img.Pix[sy*img.Stride+sx*4+c]) - float64(want.Pix[y*want.Stride+x*4+c]))
				worst = math.Max(worst, d)
			}
		}
	}
	return worst
}

func rollGrid(g tokens.Grid) tokens.Grid {
	out := tokens.New(g.W, g.H)
	for y := 0; y < g.H; y++ {
		for x := 0; x < g.W; x++ {
			out.Set(x, y, g.At((x+g.W/2)%g.W, (y+g.H/2)%g.H))
		}
	}
	return out
}

func TestTileModeMakesSeamlessImages(t *testing.T) {
	m := openModel(t, "cin_transformer")
	class := 5
	req := SampleRequest{Cond: Condition{Class: &class}, W: 12, H: 12,
		Options: sample.Options{Seed: 9, Filter: sample.Filter{TopK: 10}, Tile: true}, Decode: DecodeOptions{Tile: true}}
	res, err := Sample(context.Background(), m, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	rolled := rollGrid(res[0].Grid)
	want, err := Decode(context.Background(), m, rolled, DecodeOptions{Tile: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := rollDiff(res[0].Image, want); d > 1 {
		t.Fatalf("rolled by half, the tile-mode image differs from its rolled grid's decode by %v levels", d)
	}
	// An ordinary decode pads with zeros: its edges are not interior.
	plain, _ := Decode(context.Background(), m, res[0].Grid, DecodeOptions{}, nil)
	plainRolled, _ := Decode(context.Background(), m, rolled, DecodeOptions{}, nil)
	if d := rollDiff(plain, plainRolled); d < 10 {
		t.Fatalf("zero-padded decode is seamless too (%v levels): the check cannot tell", d)
	}
}

func TestDecodeChoosesTilesOverBudget(t *testing.T) {
	m := openModel(t, "vqgan")
	g := tokens.New(40, 36)
	for i := range g.Codes {
		g.Codes[i] = (i * 7) % 64
	}
	tiles := 0
	img, err := Decode(context.Background(), m, g, DecodeOptions{Budget: 1}, func(done, total int) { tiles = total })
	if err != nil {
		t.Fatal(err)
	}
	if tiles == 0 || img.Bounds().Dx() != 160 || img.Bounds().Dy() != 144 {
		t.Fatalf("%d tiles, image %v", tiles, img.Bounds())
	}
	// A whole decode reports its layers instead, and differs from the
	// cross-faded tiles.
	var last [2]int
	whole, err := Decode(context.Background(), m, g, DecodeOptions{}, func(done, total int) { last = [2]int{done, total} })
	if err != nil || last[0] == 0 || last[0] != last[1] {
		t.Fatalf("a whole decode reported %d of %d layers (%v)", last[0], last[1], err)
	}
	if slices.Equal(whole.Pix, img.Pix) {
		t.Fatal("a small grid was decoded in tiles")
	}
	circ, err := Decode(context.Background(), m, g, DecodeOptions{Budget: 1, Tile: true}, nil)
	if err != nil || circ.Bounds() != img.Bounds() {
		t.Fatalf("tiled circular decode: %v %v", circ.Bounds(), err)
	}
}

func TestWholeDecodeStopsWhenCancelled(t *testing.T) {
	m := openModel(t, "vqgan")
	g := tokens.New(8, 8)
	ctx, cancel := context.WithCancel(context.Background())
	steps := 0
	_, err := Decode(ctx, m, g, DecodeOptions{}, func(done, total int) {
		steps = done
		if done == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || steps != 2 {
		t.Fatalf("cancelled after layer 2: err %v after %d layers", err, steps)
	}
}

func TestPreviewBudget(t *testing.T) {
	for _, c := range []struct {
		previews, elapsed time.Duration
		share             float64
		due               bool
	}{
		{0, 0, 0.2, true}, // the first preview is always shown
		{time.Second, 5 * time.Second, 0.2, true},
		{time.Second, 4 * time.Second, 0.2, false},
		{2 * time.Second, 20 * time.Second, 0.2, true},
		{time.Hour, time.Second, 0, true}, // no share: every due preview
	} {
		if got := previewDue(c.previews, c.elapsed, c.share); got != c.due {
			t.Errorf("previews %v of %v elapsed, share %v: due %v, want %v", c.previews, c.elapsed, c.share, got, c.due)
		}
	}
}

// The depth model's expected values come from the PyTorch side of
// scripts/bench (see testdata/taming-tiny/depth_transformer/make.py).
func TestDepthSampleMatchesPyTorch(t *testing.T) {
	m := openModel(t, "depth_transformer")
	v := reftest.Vectors(t, "depth_transformer")
	img, err := imgio.Decode(reftest.Path("depth_transformer", "depth.png"))
	if err != nil {
		t.Fatal(err)
	}
	x, _, err := condImage(img, 1, m.CondStage.Config.Factor())
	if err != nil {
		t.Fatal(err)
	}
	want := reftest.Floats(t, v, "depth_input")
	for i, got := range nn.Data(x) {
		if math.Abs(float64(got-want[i])) > 1e-6 {
			t.Fatalf("normalised depth %d: %v, want %v", i, got, want[i])
		}
	}
	cond, notes, err := BuildCond(m, Condition{Image: img, Describe: "depth.png"})
	if err != nil {
		t.Fatal(err)
	}
	if g := cond.Grid; g.W != 14 || g.H != 10 || !slices.Equal(g.Codes, reftest.Ints(t, v, "cond_indices")) {
		t.Fatalf("cond grid %dx%d differs from the cond stage's codes", g.W, g.H)
	}
	if !strings.Contains(strings.Join(notes, ";"), "float32 depth") {
		t.Errorf("notes %q do not say the RGBA pixels were read as depth", notes)
	}
	req := SampleRequest{Cond: Condition{Image: img, Describe: "depth.png"}, Options: sample.Options{Filter: sample.Filter{TopK: 1}}}
	res, err := Sample(context.Background(), m, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res[0].Grid.Codes, reftest.Ints(t, v, "sliding_greedy_tokens")) {
		t.Fatal("greedy depth-conditioned sample differs from PyTorch's sliding-window loop")
	}
}

func TestHoldHeapSetsAndRestoresTheLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)

	debug.SetMemoryLimit(math.MaxInt64) // no limit, as by default
	restore := holdHeap(2 << 30)
	if got := debug.SetMemoryLimit(-1); got < 2<<30 || got > 4<<30 {
		t.Errorf("limit %d during a 2 GiB decode, want the heap in use plus 2 GiB", got)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit %d after the decode, want it restored", got)
	}

	// A lower limit the user set (GOMEMLIMIT) stays; small decodes change nothing.
	debug.SetMemoryLimit(1 << 30)
	holdHeap(2 << 30)()
	holdHeap(100 << 20)()
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("limit %d, want the user's 1 GiB kept", got)
	}
}
