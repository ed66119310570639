package train

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"tessera/engine/ckpt"
	"tessera/engine/internal/reftest"
	"tessera/engine/nn"
	"tessera/engine/train/optim"
)

// TestVQGANStep1FromSharedState runs taming's second VQGAN training step
// from the state after step 0 that step1.safetensors holds (made by
// testdata/taming-tiny/vqgan_lpips/make_step1.py, step 1 in float64): every
// logged value, the step-1 gradients, the parameters after the step (the
// whole discriminator among them) and the BatchNorm statistics. Started from
// our own step 0, step 1's discriminator side is not comparable (see
// TestVQGANStepsMatchTaming); started from one state it is.
func TestVQGANStep1FromSharedState(t *testing.T) {
	f := newVQGANFixture(t)
	st := reftest.Open(t, "vqgan_lpips", "step1.safetensors")
	loadVQGANState(t, f, st)
	x := nn.FromSlice(f.input(t), 2, 3, 32, 32)

	var s vqganStep
	if err := f.obj.generator(x, 1, 1, &s); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"encoder.conv_in.weight", "encoder.down.0.block.0.norm1.weight", "quant_conv.weight", "quantize.embedding.weight", "post_quant_conv.weight", "decoder.conv_out.weight"} {
		matchesReference(t, "step1/grad/"+key, f.ae.Get(key).GradFloats(), reftest.Floats(t, st, "step1/grad/"+key), 1e-3)
	}
	if err := f.optAE.Step(valueGrads(f.ae.List())); err != nil {
		t.Fatal(err)
	}
	zeroGrads(f.ae.List())
	if err := f.obj.discriminator(x, 1, 1, &s); err != nil {
		t.Fatal(err)
	}
	key := "loss.discriminator.main.0.weight"
	matchesReference(t, "step1/grad/"+key, f.disc.Get(key).GradFloats(), reftest.Floats(t, st, "step1/grad/"+key), 1e-3)
	if err := f.optD.Step(valueGrads(f.disc.List())); err != nil {
		t.Fatal(err)
	}
	zeroGrads(f.disc.List())

	var worst float64
	for name, got := range s.logs() {
		want := float64(reftest.Floats(t, st, "step1/train/"+name)[0])
		d := math.Abs(got-want) / math.Max(math.Abs(want), 1e-3)
		if d > 1e-4 {
			t.Errorf("step 1 %s = %.7g, reference %.7g", name, got, want)
		}
		worst = math.Max(worst, d)
	}
	t.Logf("step1/train: largest relative error %.2g", worst)

	for _, key := range []string{"encoder.conv_in.weight", "quantize.embedding.weight", "decoder.conv_out.weight", "decoder.conv_out.bias"} {
		matchesReference(t, "after/"+key, f.ae.Get(key).Floats(), reftest.Floats(t, st, "after/"+key), 1e-3)
	}
	for _, p := range append(slices.Clone(f.disc.List()), f.buffers.List()...) {
		matchesReference(t, "after/"+p.Name, p.Floats(), reftest.Floats(t, st, "after/"+p.Name), 1e-3)
	}
	for i, bn := range f.obj.disc.bn {
		key := fmt.Sprint(discPrefix, i, ".num_batches_tracked")
		if want := reftest.Ints(t, st, "after/"+key)[0]; bn.Tracked != int64(want) {
			t.Errorf("after/%s = %d, reference %d", key, bn.Tracked, want)
		}
	}
}

// loadVQGANState sets f's parameters, BatchNorm statistics and both Adams
// to the state/ tensors of st, and fails unless every one of them is used.
func loadVQGANState(t *testing.T, f *vqganFixture, st *ckpt.File) {
	t.Helper()
	used := map[string]bool{}
	load := func(key string, dst []float32) {
		src := reftest.Floats(t, st, key)
		if len(src) != len(dst) {
			t.Fatalf("%s: %d values in step1.safetensors, the model has %d", key, len(src), len(dst))
		}
		copy(dst, src)
		used[key] = true
	}
	setAdam := func(name string, a *optim.Adam, ps *Params) {
		for _, p := range ps.List() {
			load("state/"+p.Name, p.Floats())
			a.M[p.Name] = make([]float32, len(p.Floats()))
			a.V[p.Name] = make([]float32, len(p.Floats()))
			load(fmt.Sprintf("state/%s/exp_avg/%s", name, p.Name), a.M[p.Name])
			load(fmt.Sprintf("state/%s/exp_avg_sq/%s", name, p.Name), a.V[p.Name])
		}
		key := fmt.Sprintf("state/%s/step", name)
		a.Steps = reftest.Ints(t, st, key)[0]
		used[key] = true
	}
	setAdam("opt_ae", f.optAE, f.ae)
	setAdam("opt_disc", f.optD, f.disc)
	for _, p := range f.buffers.List() {
		load("state/"+p.Name, p.Floats())
	}
	if len(f.obj.disc.bn) == 0 {
		t.Fatal("the discriminator has no BatchNorm statistics to set")
	}
	for i, bn := range f.obj.disc.bn {
		key := fmt.Sprint("state/", discPrefix, i, ".num_batches_tracked")
		bn.Tracked = int64(reftest.Ints(t, st, key)[0])
		used[key] = true
	}
	for _, key := range st.Keys() {
		if strings.HasPrefix(key, "state/") && !used[key] {
			t.Errorf("%s in step1.safetensors is not part of the Go trainer's state", key)
		}
	}
	if f.optAE.Steps != 1 || f.optD.Steps != 1 {
		t.Fatalf("the state is after %d and %d Adam steps, want 1 and 1", f.optAE.Steps, f.optD.Steps)
	}
}
