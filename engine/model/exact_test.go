package model

import (
	"math"
	"slices"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/internal/reftest"
	"tessera/engine/nn"
)

// Tolerances from the reference README: activations and logits within 1e-4
// absolute, 1e-3 for deep activations larger than 10 in magnitude.
const tol = 1e-4

// assertClose compares with an absolute tolerance, loosened to relative 1e-3
// for deep activations of magnitude above 10 (per the reference README).
func assertClose(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	worst, at := 0.0, 0
	for i := range got {
		d := math.Abs(float64(got[i] - want[i]))
		limit := tol
		if math.Abs(float64(want[i])) > 10 {
			limit = 1e-3
		}
		if d > limit || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: [%d] = %v, want %v (diff %g)", what, i, got[i], want[i], d)
		}
		if d > worst {
			worst, at = d, i
		}
	}
	t.Logf("%s: max abs diff %.3g at %d", what, worst, at)
}

func openFixture(t *testing.T, name string) *Model {
	t.Helper()
	m, err := Open(reftest.Path(name), "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestVQGANMatchesReference(t *testing.T) {
	m := openFixture(t, "vqgan")
	v := reftest.Vectors(t, "vqgan")
	in, shape := reftest.Floats(t, v, "input"), reftest.Shape(t, v, "input")
	acts := map[string][]float32{}
	record := func(name string, x *tensor.Dense) { acts[name] = slices.Clone(nn.Data(x)) }
	enc, err := m.FirstStage.Encode(nn.FromSlice(in, shape...), record)
	if err != nil {
		t.Fatal(err)
	}
	want := reftest.Floats(t, v, "quant_conv_out")
	assertClose(t, "quant_conv_out", nn.Data(enc.Z), want)
	if got, want := enc.Tokens, reftest.Ints(t, v, "indices"); !slices.Equal(got, want) {
		t.Fatalf("indices differ:\n got %v\nwant %v", got, want)
	}
	want = reftest.Floats(t, v, "z_q")
	assertClose(t, "z_q", nn.Data(enc.ZQ), want)
	qloss := reftest.Floats(t, v, "qloss")
	assertClose(t, "qloss", []float32{enc.Loss}, qloss)

	rec, err := m.FirstStage.Decode(enc.ZQ, record)
	if err != nil {
		t.Fatal(err)
	}
	want = reftest.Floats(t, v, "reconstruction")
	assertClose(t, "reconstruction", nn.Data(rec), want)
	for _, name := range []string{"encoder.conv_in", "encoder.mid.attn_1", "encoder.mid.block_2", "encoder.conv_out",
		"decoder.conv_in", "decoder.mid.attn_1", "decoder.conv_out"} {
		want := reftest.Floats(t, v, "act/"+name)
		assertClose(t, name, acts[name], want)
	}

	img, err := m.FirstStage.DecodeTokens(reftest.Ints(t, v, "indices"), enc.B, enc.H, enc.W)
	if err != nil {
		t.Fatal(err)
	}
	want = reftest.Floats(t, v, "decode_from_indices")
	assertClose(t, "decode_from_indices", nn.Data(img), want)
}

func TestGPTMatchesReference(t *testing.T) {
	m := openFixture(t, "cin_transformer")
	v := reftest.Vectors(t, "cin_transformer")
	class, greedy := reftest.Ints(t, v, "class_tokens"), reftest.Ints(t, v, "greedy_tokens")
	const batch, steps = 2, 64
	seq := make([]int, 0, batch*steps)
	for b := 0; b < batch; b++ {
		seq = append(seq, class[b])
		seq = append(seq, greedy[b*steps:(b+1)*steps-1]...)
	}
	g := m.Transformer
	full, err := g.Forward(g.NewCache(batch, steps), seq, steps, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := reftest.Floats(t, v, "logits_full")
	assertClose(t, "logits_full", full, want)

	// One token at a time through the key/value cache.
	cache := g.NewCache(batch, steps)
	vocab := g.Config.VocabSize
	inc := make([]float32, batch*steps*vocab)
	for p := 0; p < steps; p++ {
		step := []int{seq[p], seq[steps+p]}
		logits, err := g.Forward(cache, step, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		for b := 0; b < batch; b++ {
			copy(inc[(b*steps+p)*vocab:(b*steps+p+1)*vocab], logits[b*vocab:(b+1)*vocab])
		}
	}
	want = reftest.Floats(t, v, "logits_incremental")
	assertClose(t, "logits_incremental", inc, want)
}

func TestSegmentationCondStageMatchesReference(t *testing.T) {
	m := openFixture(t, "seg_transformer")
	if m.Spec.Cond.Kind != CondSpatial || m.Spec.Cond.Labels != 5 {
		t.Fatalf("conditioning = %+v, want spatial with 5 labels", m.Spec.Cond)
	}
	v := reftest.Vectors(t, "seg_transformer")
	onehot, shape := reftest.Floats(t, v, "segmentation_onehot"), reftest.Shape(t, v, "segmentation_onehot")
	enc, err := m.CondStage.Encode(nn.FromSlice(onehot, shape...), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := enc.Tokens, reftest.Ints(t, v, "cond_indices"); !slices.Equal(got, want) {
		t.Fatalf("cond indices differ:\n got %v\nwant %v", got, want)
	}
	rec, err := m.CondStage.Decode(enc.ZQ, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := reftest.Floats(t, v, "cond_reconstruction")
	assertClose(t, "cond_reconstruction", nn.Data(rec), want)
}
