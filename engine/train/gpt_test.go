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
	"tessera/engine/gpt"
	"tessera/engine/imgio"
	"tessera/engine/internal/reftest"
	"tessera/engine/model"
	"tessera/engine/nn"
	"tessera/engine/train/optim"
)

// gptFixtureSource serves a fixture checkpoint's tensors (float16 ones as
// float32) to a Params group.
type gptFixtureSource struct{ f *ckpt.File }

func (s gptFixtureSource) Name() string        { return s.f.Path }
func (s gptFixtureSource) Has(key string) bool { _, ok := s.f.Tensors[key]; return ok }
func (s gptFixtureSource) Keys() []string      { return s.f.Keys() }
func (s gptFixtureSource) Float32(key string, shape []int) ([]float32, error) {
	t := s.f.Tensors[key]
	if !slices.Equal(t.Shape, shape) {
		return nil, fmt.Errorf("%s: %s has shape %v, want %v", s.f.Path, key, t.Shape, shape)
	}
	return t.Float32()
}
func (s gptFixtureSource) Int64(key string) ([]int64, []int, error) {
	v, err := s.f.Tensors[key].Int64()
	return v, s.f.Tensors[key].Shape, err
}

// openGPTFixture opens a taming-tiny Net2Net model and its checkpoint's
// transformer as a parameter group.
func openGPTFixture(t *testing.T, name string) (*model.Model, *Params) {
	t.Helper()
	m, err := model.Open(reftest.Path(name), "")
	if err != nil {
		t.Fatal(err)
	}
	return m, NewParams(gptFixtureSource{reftest.Open(t, name, "checkpoints", "last.ckpt")})
}

// maxErr is the largest absolute difference and the largest magnitude of want.
func maxErr(got, want []float32) (diff, scale float64) {
	for i, w := range want {
		diff = math.Max(diff, math.Abs(float64(got[i])-float64(w)))
		scale = math.Max(scale, math.Abs(float64(w)))
	}
	return diff, scale
}

func checkLoss(t *testing.T, name string, got float32, want float32) {
	t.Helper()
	rel := math.Abs(float64(got)-float64(want)) / math.Abs(float64(want))
	t.Logf("%s: %.7f, reference %.7f (relative error %.2g)", name, got, want, rel)
	if rel > 1e-4 {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}

// checkTensors compares every reference vector under prefix with the
// parameter of the same name, read by value, within 1e-3 of its largest
// magnitude.
func checkTensors(t *testing.T, ref *ckpt.File, ps *Params, prefix string, value func(*optim.Param) []float32) {
	t.Helper()
	n := 0
	for _, key := range ref.Keys() {
		name, ok := strings.CutPrefix(key, prefix)
		if !ok {
			continue
		}
		p := ps.Get(gptPrefix + name)
		if p == nil {
			t.Fatalf("%s: no parameter %s%s", key, gptPrefix, name)
		}
		want := reftest.Floats(t, ref, key)
		got := value(p)
		if len(got) != len(want) {
			t.Fatalf("%s: %d values, reference %d", key, len(got), len(want))
		}
		diff, scale := maxErr(got, want)
		t.Logf("%s: max error %.3g of magnitude %.3g", key, diff, scale)
		if diff > 1e-3*scale {
			t.Errorf("%s: max error %.3g exceeds 1e-3 of %.3g", key, diff, scale)
		}
		n++
	}
	if n == 0 {
		t.Fatalf("no reference vectors under %s", prefix)
	}
}

// Two Net2NetTransformer steps of the class-conditional fixture: loss,
// backward, AdamW with minGPT's decay groups, as taming's training step.
func TestGPTObjectiveMatchesTaming(t *testing.T) {
	m, ps := openGPTFixture(t, "cin_transformer")
	ref := reftest.Open(t, "cin_transformer", "train.safetensors")
	cond, image := reftest.Ints(t, ref, "c_indices"), reftest.Ints(t, ref, "z_indices")
	zs := reftest.Shape(t, ref, "z_indices")
	o, err := newGPTObjective(ps, *m.Spec.Transformer, zs[0], len(cond)/zs[0], zs[1])
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	markGPTDecay(ps)
	opt := optim.NewAdamW(1e-3, 0.9, 0.95, 0.01)
	for step := 0; step < 2; step++ {
		loss, err := o.run(cond, image, 1, nil, 1)
		if err != nil {
			t.Fatal(err)
		}
		checkLoss(t, fmt.Sprintf("step%d/loss", step), loss, reftest.Floats(t, ref, fmt.Sprintf("step%d/loss", step))[0])
		if step == 0 {
			checkTensors(t, ref, ps, "grad/", (*optim.Param).GradFloats)
		}
		vgs := make([]G.ValueGrad, 0, len(ps.List()))
		for _, p := range ps.List() {
			vgs = append(vgs, p)
		}
		if err := opt.Step(vgs); err != nil {
			t.Fatal(err)
		}
		zeroGrads(ps.List())
	}
	checkTensors(t, ref, ps, "after/", (*optim.Param).Floats)
}

// The segmentation-conditioned fixture: the frozen stages turn the images
// and label maps into the reference's codes, and the transformer's loss on
// them is the reference's (16 conditioning tokens, so the loss reads the
// logits from position 15 on).
func TestGPTSegmentationLossMatchesTaming(t *testing.T) {
	m, ps := openGPTFixture(t, "seg_transformer")
	ref := reftest.Open(t, "seg_transformer", "train.safetensors")
	cond, image := reftest.Ints(t, ref, "transformer/c_indices"), reftest.Ints(t, ref, "transformer/z_indices")

	enc, err := m.FirstStage.Encode(nn.FromSlice(reftest.Floats(t, ref, "transformer/images"), reftest.Shape(t, ref, "transformer/images")...), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(enc.Tokens, image) {
		t.Errorf("first stage codes %v, reference %v", enc.Tokens, image)
	}
	labels, ls := reftest.Ints(t, ref, "transformer/segmentation_labels"), reftest.Shape(t, ref, "transformer/segmentation_labels")
	var onehot []float32
	plane := ls[1] * ls[2]
	for b := 0; b < ls[0]; b++ {
		oh, err := imgio.OneHot(labels[b*plane:(b+1)*plane], ls[2], ls[1], m.Spec.Cond.Labels)
		if err != nil {
			t.Fatal(err)
		}
		onehot = append(onehot, nn.Data(oh)...)
	}
	cenc, err := m.CondStage.Encode(nn.FromSlice(onehot, ls[0], m.Spec.Cond.Labels, ls[1], ls[2]), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cenc.Tokens, cond) {
		t.Errorf("cond stage codes %v, reference %v", cenc.Tokens, cond)
	}

	o, err := newGPTObjective(ps, *m.Spec.Transformer, ls[0], len(cond)/ls[0], len(image)/ls[0])
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	loss, err := o.run(cond, image, 1, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkLoss(t, "transformer/loss", loss, reftest.Floats(t, ref, "transformer/loss")[0])
}

// smallGPT is a fresh two-layer GPT for the tests that need no fixture.
func smallGPT(t *testing.T) (*Params, gpt.Config) {
	t.Helper()
	return NewParams(gptInit{Seed: 3}), gpt.Config{VocabSize: 11, BlockSize: 9, NLayer: 2, NHead: 2, NEmbd: 8}
}

// The graph's loss equals the inference GPT's forward pass on the same
// weights, and its gradient for one weight matches a finite difference of
// that loss; pkeep 0 feeds only random tokens but keeps the targets.
func TestGPTObjectiveAgainstInference(t *testing.T) {
	ps, cfg := smallGPT(t)
	const batch, condLen, imageLen = 2, 3, 5
	const seq = condLen + imageLen - 1
	o, err := newGPTObjective(ps, cfg, batch, condLen, imageLen)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	r := rand.New(rand.NewSource(1))
	cond, image := make([]int, batch*condLen), make([]int, batch*imageLen)
	for i := range cond {
		cond[i] = r.Intn(cfg.VocabSize)
	}
	for i := range image {
		image[i] = r.Intn(cfg.VocabSize)
	}
	// Inference's loss from the same parameters, read back as a source.
	inferenceLoss := func(input []int) float64 {
		g, err := gpt.Load(paramSource{ps}, gptPrefix, cfg)
		if err != nil {
			t.Fatal(err)
		}
		logits, err := g.Forward(g.NewCache(batch, seq), input, seq, nil)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for b := 0; b < batch; b++ {
			for i := 0; i < imageLen; i++ {
				row := logits[(b*seq+condLen-1+i)*cfg.VocabSize:][:cfg.VocabSize]
				var s float64
				for _, v := range row {
					s += math.Exp(float64(v))
				}
				sum += math.Log(s) - float64(row[image[b*imageLen+i]])
			}
		}
		return sum / batch / imageLen
	}
	// Weights of order one, so that finite differences see a smooth loss
	// (at minGPT's N(0, 0.02) the layer norms amplify a step of 1e-2).
	for _, p := range ps.List() {
		for i := range p.Floats() {
			p.Floats()[i] = float32(r.Float64()*2 - 1)
		}
	}
	loss, err := o.run(cond, image, 1, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := inferenceLoss(o.tokens)
	if math.Abs(float64(loss)-want) > 1e-5 {
		t.Fatalf("loss %v, inference gives %v", loss, want)
	}
	for i := 0; i < batch; i++ {
		if got := o.tokens[i*seq : (i+1)*seq]; !slices.Equal(got[:condLen], cond[i*condLen:(i+1)*condLen]) || !slices.Equal(got[condLen:], image[i*imageLen:(i+1)*imageLen-1]) {
			t.Fatalf("input row %d is %v for cond %v and image %v", i, got, cond, image)
		}
	}

	// Gradients against central differences of the inference loss, at a
	// few entries of weights before, inside and after the slice to the
	// image positions; tolerance 1e-3 of the weight's largest gradient.
	for _, key := range []string{"transformer.head.weight", "transformer.ln_f.bias", "transformer.blocks.1.attn.value.weight", "transformer.blocks.0.attn.key.weight", "transformer.blocks.0.mlp.0.weight", "transformer.tok_emb.weight", "transformer.pos_emb"} {
		p := ps.Get(key)
		w, g := p.Floats(), p.GradFloats()
		var scale float64
		for _, v := range g {
			scale = math.Max(scale, math.Abs(float64(v)))
		}
		for probe := 0; probe < 4; probe++ {
			at := r.Intn(len(w))
			orig := w[at]
			const eps = 1e-2
			w[at] = orig + eps
			up := inferenceLoss(o.tokens)
			w[at] = orig - eps
			down := inferenceLoss(o.tokens)
			w[at] = orig
			if num := (up - down) / (2 * eps); math.Abs(num-float64(g[at])) > 1e-3*scale {
				t.Errorf("d loss/d %s[%d] = %v, finite difference %v (largest %.3g)", key, at, g[at], num, scale)
			}
		}
	}

	// pkeep 0: every fed image token is random, the targets are the image.
	if _, err := o.run(cond, image, 0, rand.New(rand.NewSource(5)), 1); err != nil {
		t.Fatal(err)
	}
	same := 0
	for i := 0; i < batch; i++ {
		for j := 0; j < imageLen-1; j++ {
			if o.tokens[i*seq+condLen+j] == image[i*imageLen+j] {
				same++
			}
		}
	}
	if same > 3 || !slices.Equal(o.targets, image) {
		t.Fatalf("pkeep 0 kept %d of 8 image tokens (targets %v, image %v)", same, o.targets, image)
	}
	if _, err := o.run(cond, image, 0.5, nil, 1); err == nil {
		t.Fatal("pkeep 0.5 ran without a random source")
	}
	cond[0] = cfg.VocabSize
	if _, err := o.run(cond, image, 1, nil, 1); err == nil || !strings.Contains(err.Error(), "token 11") {
		t.Fatalf("a token outside the vocabulary gave %v", err)
	}
	if _, err := newGPTObjective(ps, cfg, 1, 5, 6); err == nil {
		t.Fatal("10 positions were accepted for a block of 9")
	}
}

// paramSource serves a group's current values, so the inference GPT can be
// built from a training state.
type paramSource struct{ ps *Params }

func (s paramSource) Name() string        { return "training parameters" }
func (s paramSource) Has(key string) bool { return s.ps.Get(key) != nil }
func (s paramSource) Keys() []string      { return s.ps.Keys() }
func (s paramSource) Float32(key string, shape []int) ([]float32, error) {
	p := s.ps.Get(key)
	if !p.Data.Shape().Eq(tensor.Shape(shape)) {
		return nil, fmt.Errorf("%s has shape %v, want %v", key, p.Data.Shape(), shape)
	}
	return p.Floats(), nil
}
func (s paramSource) Int64(key string) ([]int64, []int, error) {
	return nil, nil, fmt.Errorf("no buffer %s", key)
}

func TestGPTDecayGroupsAndInit(t *testing.T) {
	ps, cfg := smallGPT(t)
	o, err := newGPTObjective(ps, cfg, 1, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	o.Close()
	markGPTDecay(ps)
	var decayed []string
	for _, p := range ps.List() {
		if p.Decay {
			decayed = append(decayed, p.Name)
		}
	}
	slices.Sort(decayed)
	var want []string
	for l := 0; l < cfg.NLayer; l++ {
		for _, m := range []string{"attn.key", "attn.proj", "attn.query", "attn.value", "mlp.0", "mlp.2"} {
			want = append(want, fmt.Sprintf("transformer.blocks.%d.%s.weight", l, m))
		}
	}
	want = append(want, "transformer.head.weight")
	slices.Sort(want)
	if !slices.Equal(decayed, want) {
		t.Fatalf("decay group %v, want %v", decayed, want)
	}
	if len(ps.List()) != 4+16*cfg.NLayer+1 {
		t.Fatalf("%d parameters, want %d", len(ps.List()), 4+16*cfg.NLayer+1)
	}

	// minGPT's _init_weights, reproducibly.
	for _, p := range ps.List() {
		v := p.Floats()
		switch {
		case strings.HasSuffix(p.Name, "pos_emb") || strings.HasSuffix(p.Name, ".bias"):
			if slices.ContainsFunc(v, func(x float32) bool { return x != 0 }) {
				t.Errorf("%s is not zero", p.Name)
			}
		case strings.Contains(p.Name, "ln"):
			if slices.ContainsFunc(v, func(x float32) bool { return x != 1 }) {
				t.Errorf("%s is not one", p.Name)
			}
		default:
			var s, q float64
			for _, x := range v {
				s += float64(x)
				q += float64(x) * float64(x)
			}
			n := float64(len(v))
			if std := math.Sqrt(q/n - (s/n)*(s/n)); math.Abs(std-0.02) > 0.004 {
				t.Errorf("%s has standard deviation %.4f, want 0.02", p.Name, std)
			}
			again, _ := gptInit{Seed: 3}.Float32(p.Name, p.Data.Shape())
			other, _ := gptInit{Seed: 4}.Float32(p.Name, p.Data.Shape())
			if !slices.Equal(again, v) || slices.Equal(other, v) {
				t.Errorf("%s does not follow its seed", p.Name)
			}
		}
	}
}

// BenchmarkTrainGPTStep is one training step (forward, backward, AdamW) of
// a 12-layer, 8-head, 512-wide GPT over batch 4 of 1 conditioning and 256
// image tokens.
func BenchmarkTrainGPTStep(b *testing.B) {
	cfg := gpt.Config{VocabSize: 1024, BlockSize: 256, NLayer: 12, NHead: 8, NEmbd: 512}
	const batch, imageLen = 4, 256
	ps := NewParams(gptInit{Seed: 1})
	o, err := newGPTObjective(ps, cfg, batch, 1, imageLen)
	if err != nil {
		b.Fatal(err)
	}
	defer o.Close()
	markGPTDecay(ps)
	opt := optim.NewAdamW(1e-4, 0.9, 0.95, 0.01)
	r := rand.New(rand.NewSource(1))
	cond, image := make([]int, batch), make([]int, batch*imageLen)
	for i := range cond {
		cond[i] = r.Intn(cfg.VocabSize)
	}
	for i := range image {
		image[i] = r.Intn(cfg.VocabSize)
	}
	vgs := make([]G.ValueGrad, 0, len(ps.List()))
	for _, p := range ps.List() {
		vgs = append(vgs, p)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := o.run(cond, image, 1, nil, 1); err != nil {
			b.Fatal(err)
		}
		if err := opt.Step(vgs); err != nil {
			b.Fatal(err)
		}
		zeroGrads(ps.List())
	}
}
