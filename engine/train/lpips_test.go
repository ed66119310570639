package train

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/ckpt"
	"tessera/engine/internal/reftest"
	"tessera/engine/nn"
	"tessera/engine/train/ops"
	"tessera/engine/weights"
)

// ckptWeights serves an opened checkpoint's tensors, hiding the keys listed
// in hide.
type ckptWeights struct {
	f    *ckpt.File
	hide string
}

func (s ckptWeights) Name() string { return s.f.Path }
func (s ckptWeights) Keys() []string {
	return slices.DeleteFunc(s.f.Keys(), func(k string) bool { return k == s.hide })
}
func (s ckptWeights) Has(key string) bool { _, ok := s.f.Tensors[key]; return ok && key != s.hide }

func (s ckptWeights) Float32(key string, shape []int) ([]float32, error) {
	t := s.f.Tensors[key]
	if !slices.Equal(t.Shape, shape) {
		return nil, weights.ShapeError(s.Name(), key, shape, t.Shape)
	}
	return t.Float32()
}

func (s ckptWeights) Int64(key string) ([]int64, []int, error) {
	v, err := s.f.Tensors[key].Int64()
	return v, s.f.Tensors[key].Shape, err
}

const lpipsPrefix = "loss.perceptual_loss."

func loadTestLPIPS(t *testing.T) *LPIPS {
	t.Helper()
	lp, err := LoadLPIPS(ckptWeights{f: reftest.Open(t, "vqgan_lpips", "checkpoints", "last.ckpt")}, lpipsPrefix)
	if err != nil {
		t.Fatal(err)
	}
	return lp
}

// lpipsGraph is LPIPS(x, y) for fixed batches in a graph of its own, with
// d sum(LPIPS) / dy.
type lpipsGraph struct {
	m     G.VM
	value *ops.Watched
	grad  *ops.Watched
}

func newLPIPSGraph(t *testing.T, lp *LPIPS, x, y *tensor.Dense, dropout *rand.Rand) *lpipsGraph {
	t.Helper()
	g := G.NewGraph()
	node := func(name string, v *tensor.Dense) *G.Node {
		return G.NewTensor(g, G.Float32, 4, G.WithShape(v.Shape()...), G.WithValue(v), G.WithName(name))
	}
	yn := node("y", y)
	d := lp.Distance(node("x", x), yn, dropout)
	sum := ops.Scale(ops.Mean(d), float32(x.Shape()[0]))
	grads, err := G.Grad(sum, yn)
	if err != nil {
		t.Fatal(err)
	}
	lg := &lpipsGraph{value: ops.Watch(d), grad: ops.Watch(grads[0]), m: G.NewTapeMachine(g)}
	t.Cleanup(func() { lg.m.Close() })
	return lg
}

func (lg *lpipsGraph) run(t *testing.T) {
	t.Helper()
	if err := lg.m.RunAll(); err != nil {
		t.Fatal(err)
	}
	lg.m.Reset()
}

// TestLPIPSMatchesTaming: LPIPS's value and gradient through gorgonia
// against taming's, for the vqgan_lpips input and reconstruction, and for
// the input against itself flipped on the batch axis.
func TestLPIPSMatchesTaming(t *testing.T) {
	lp := loadTestLPIPS(t)
	ref := reftest.Vectors(t, "vqgan_lpips")
	shape := reftest.Shape(t, ref, "input")
	input := nn.FromSlice(reftest.Floats(t, ref, "input"), shape...)
	rec := nn.FromSlice(reftest.Floats(t, ref, "lpips/reconstruction"), shape...)
	lg := newLPIPSGraph(t, lp, input, rec, nil)
	for run := 0; run < 2; run++ { // a second run reuses the machine
		lg.run(t)
		t.Logf("value: %s", relativeMatch(t, "lpips/value", lg.value.Data(), reftest.Floats(t, ref, "lpips/value"), 1e-4))
		t.Logf("gradient: %s", gradMatch(t, "lpips/grad_reconstruction", lg.grad.Data(), reftest.Floats(t, ref, "lpips/grad_reconstruction"), 1e-3))
	}

	b, per := shape[0], len(nn.Data(input))/shape[0]
	flipped := make([]float32, 0, len(nn.Data(input)))
	for s := b - 1; s >= 0; s-- {
		flipped = append(flipped, nn.Data(input)[s*per:(s+1)*per]...)
	}
	sw := newLPIPSGraph(t, lp, input, nn.FromSlice(flipped, shape...), nil)
	sw.run(t)
	t.Logf("swapped value: %s", relativeMatch(t, "lpips/value_swapped", sw.value.Data(), reftest.Floats(t, ref, "lpips/value_swapped"), 1e-4))
}

// relativeMatch checks values within tol of the reference, relatively, and
// reports the largest relative error.
func relativeMatch(t *testing.T, name string, got, want []float32, tol float64) string {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	var worst float64
	for i := range got {
		e := math.Abs(float64(got[i]-want[i])) / math.Abs(float64(want[i]))
		worst = max(worst, e)
		if e > tol {
			t.Errorf("%s[%d] = %v, want %v", name, i, got[i], want[i])
		}
	}
	return fmt.Sprintf("max relative error %.2g", worst)
}

// gradMatch checks a gradient within tol of the reference's largest
// magnitude and reports the largest error in those units.
func gradMatch(t *testing.T, name string, got, want []float32, tol float64) string {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	var scale, worst float64
	for _, v := range want {
		scale = max(scale, math.Abs(float64(v)))
	}
	for i := range got {
		e := math.Abs(float64(got[i]-want[i])) / scale
		if e > worst {
			worst = e
		}
		if e > tol {
			t.Fatalf("%s[%d] = %v, want %v (largest magnitude %.3g)", name, i, got[i], want[i], scale)
		}
	}
	return fmt.Sprintf("max error %.2g of the largest magnitude %.3g", worst, scale)
}

// TestLPIPSDropout: taming's train-mode dropout changes the distance, and
// the same seed gives the same masks.
func TestLPIPSDropout(t *testing.T) {
	lp := loadTestLPIPS(t)
	ref := reftest.Vectors(t, "vqgan_lpips")
	shape := reftest.Shape(t, ref, "input")
	input := nn.FromSlice(reftest.Floats(t, ref, "input"), shape...)
	rec := nn.FromSlice(reftest.Floats(t, ref, "lpips/reconstruction"), shape...)
	var values [2][]float32
	for i := range values {
		lg := newLPIPSGraph(t, lp, input, rec, rand.New(rand.NewSource(3)))
		lg.run(t)
		values[i] = lg.value.Data()
	}
	if !slices.Equal(values[0], values[1]) {
		t.Errorf("one seed gave %v and %v", values[0], values[1])
	}
	eval := reftest.Floats(t, ref, "lpips/value")
	for s, v := range values[0] {
		if v == eval[s] || math.Abs(float64(v-eval[s])) > 0.5*float64(eval[s]) {
			t.Errorf("sample %d: %v with dropout, %v without: want near but different", s, v, eval[s])
		}
	}
}

func TestLoadLPIPSNamesMissingKey(t *testing.T) {
	f := reftest.Open(t, "vqgan_lpips", "checkpoints", "last.ckpt")
	for _, key := range []string{"net.slice3.12.weight", "lin4.model.1.weight"} {
		_, err := LoadLPIPS(ckptWeights{f: f, hide: lpipsPrefix + key}, lpipsPrefix)
		if err == nil || !strings.HasPrefix(err.Error(), "train: ") || !strings.Contains(err.Error(), lpipsPrefix+key) {
			t.Errorf("without %s: error %v", key, err)
		}
	}
	if _, err := LoadLPIPS(ckptWeights{f: f}, "perceptual_loss."); err == nil || !strings.Contains(err.Error(), "perceptual_loss.net.slice1.0.weight") {
		t.Errorf("under the wrong prefix: error %v", err)
	}
}

// BenchmarkLPIPSBackward is one LPIPS forward and backward (gradient for
// the second image) at 64x64, batch 4, VGG16's real widths with random
// weights.
func BenchmarkLPIPSBackward(b *testing.B) {
	lp, err := LoadLPIPS(weights.Random{Seed: 1}, "")
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewSource(1))
	img := func() *tensor.Dense {
		v := make([]float32, 4*3*64*64)
		for i := range v {
			v[i] = float32(r.Float64()*2 - 1)
		}
		return nn.FromSlice(v, 4, 3, 64, 64)
	}
	g := G.NewGraph()
	x := G.NewTensor(g, G.Float32, 4, G.WithShape(4, 3, 64, 64), G.WithValue(img()), G.WithName("x"))
	y := G.NewTensor(g, G.Float32, 4, G.WithShape(4, 3, 64, 64), G.WithValue(img()), G.WithName("y"))
	if _, err := G.Grad(ops.Mean(lp.Distance(x, y, nil)), y); err != nil {
		b.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	// The first run transforms the frozen weights for Winograd once.
	if err := m.RunAll(); err != nil {
		b.Fatal(err)
	}
	m.Reset()
	b.ResetTimer()
	for range b.N {
		if err := m.RunAll(); err != nil {
			b.Fatal(err)
		}
		m.Reset()
	}
}
