package model

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"tessera/engine/atomicfile"
	"tessera/engine/ckpt"
	"tessera/engine/gpt"
	"tessera/engine/vqgan"
)

// Metadata a Tessera training checkpoint adds to the format's own.
const (
	// metaTaming is JSON {"target": t, "base_learning_rate": x, "params":
	// {...}}: the model's taming target where the Spec does not tell (a
	// VQSegmentationModel), and the taming YAML's model.params entries
	// that the Spec does not describe (the lossconfig of a VQGAN, ...).
	metaTaming = "tessera.taming"
	metaStep   = "tessera.step" // the global step, in decimal
	// metaOptim + name + ".steps" is the step count of the trainer's
	// optimizer name, whose Adam moments are the tensors
	// train.opt.<name>.m.<key> and train.opt.<name>.v.<key>.
	metaOptim = "tessera.optim."
	stateOpt  = "train.opt."
	// metaTrain is the trainer's options, JSON; lr, batch and accumulate
	// give the learning rate its optimizers ran with.
	metaTrain = "tessera.train"
)

// Loss targets an export can write.
const (
	targetDummyLoss  = "taming.modules.losses.DummyLoss"
	targetDummyLoss2 = "taming.modules.losses.vqperceptual.DummyLoss" // the same class, where it is defined
	targetVQLPIPS    = "taming.modules.losses.vqperceptual.VQLPIPSWithDiscriminator"
	targetBCEQuant   = "taming.modules.losses.segmentation.BCELossWithQuant"
)

// ErrNoLPIPS is wrapped by Export's error for a VQGAN with a discriminator
// but no LPIPS weights and no ExportOptions.LPIPS to take them from.
var ErrNoLPIPS = errors.New("taming's VQLPIPSWithDiscriminator holds both, so its checkpoint needs LPIPS weights from elsewhere (a taming VQGAN training checkpoint)")

// defaultBaseLR is the base_learning_rate of every config taming ships.
const defaultBaseLR = 4.5e-6

// ExportOptions are the choices Export cannot make from the model itself.
type ExportOptions struct {
	// LPIPS is a checkpoint holding LPIPS weights under
	// loss.perceptual_loss.* (a taming VQGAN training checkpoint, or a
	// Tessera one from a run with LPIPS), for a VQGAN whose weights hold a
	// discriminator but no LPIPS: taming's VQLPIPSWithDiscriminator always
	// has both, so its checkpoint must too.
	LPIPS string
}

// Export writes m as a taming log directory that taming's main.py resumes
// from and its scripts load with strict=True: dir/configs/model.yaml (a
// taming config) and dir/checkpoints/last.ckpt in PyTorch Lightning
// 1.0.8's layout, holding every tensor of the model in float32 (int64
// buffers stay int64). When the source is a Tessera training checkpoint
// with the state of every optimizer taming's configure_optimizers makes,
// those become its optimizer_states, so that Lightning's resume continues
// them; otherwise the list is empty and a resumed run starts its
// optimizers afresh. dir must be new or empty. The weights are read again
// from m.WeightsPath; the rest of a Tessera checkpoint's training state
// (train.*) is left out.
func Export(m *Model, dir string, opt ExportOptions) error {
	if m.Spec.Kind == KindClassifier {
		return fmt.Errorf("model: %s is a pixel classifier, a Tessera model with no taming counterpart to export to", m.WeightsPath)
	}
	if err := checkEmptyDir(dir); err != nil {
		return err
	}
	f, err := ckpt.Open(m.WeightsPath)
	if err != nil {
		return err
	}
	defer f.Close()
	set, err := readTamingSettings(f, m.ConfigPaths)
	if err != nil {
		return err
	}
	e := &exporter{f: f, spec: &m.Spec, set: set, opt: opt, out: map[string]any{}}
	var section ymap
	if m.Spec.Kind == KindVQGAN {
		section, err = e.vqModel()
	} else {
		section, err = e.net2net()
	}
	if err != nil {
		return err
	}
	top, err := e.checkpoint()
	if err != nil {
		return err
	}
	var doc bytes.Buffer
	enc := yaml.NewEncoder(&doc)
	enc.SetIndent(2)
	if err := enc.Encode(ymap{{"model", section}}); err != nil {
		return fmt.Errorf("model: %s: %w", dir, err)
	}
	for _, sub := range []string{"configs", "checkpoints"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return fmt.Errorf("model: %w", err)
		}
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, "configs", "model.yaml"), doc.Bytes()); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	return ckpt.WriteTorch(filepath.Join(dir, "checkpoints", "last.ckpt"), top)
}

// checkEmptyDir refuses a directory with anything in it: main.py merges
// every configs/*.yaml of a log directory, and the input must never be
// overwritten.
func checkEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("model: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("model: %s is not empty; export into a new directory", dir)
	}
	return nil
}

// tamingSettings are what a taming config holds beyond the Spec.
type tamingSettings struct {
	baseLR float64
	target string         // the source's model target, if it names one
	params map[string]any // the source's model.params (YAML) or tessera.taming params
	from   string         // where they came from, for errors
}

// readTamingSettings takes them from a Tessera file's tessera.taming, or
// from the YAML a taming checkpoint came with.
func readTamingSettings(f *ckpt.File, configs []string) (tamingSettings, error) {
	set := tamingSettings{baseLR: defaultBaseLR, params: map[string]any{}, from: f.Path}
	if raw, ok := f.Metadata[metaTaming]; ok {
		var t struct {
			Target string          `json:"target"`
			BaseLR *json.Number    `json:"base_learning_rate"`
			Params json.RawMessage `json:"params"`
		}
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&t); err != nil {
			return set, fmt.Errorf("model: %s: bad %s metadata: %w", f.Path, metaTaming, err)
		}
		if t.BaseLR != nil {
			lr, err := t.BaseLR.Float64()
			if err != nil {
				return set, fmt.Errorf("model: %s: %s: base_learning_rate %s: %w", f.Path, metaTaming, *t.BaseLR, err)
			}
			set.baseLR = lr
		}
		if len(t.Params) > 0 {
			dec := json.NewDecoder(bytes.NewReader(t.Params))
			dec.UseNumber()
			var params map[string]any
			if err := dec.Decode(&params); err != nil {
				return set, fmt.Errorf("model: %s: %s: params: %w", f.Path, metaTaming, err)
			}
			set.params = jsonNumbers(params).(map[string]any)
		}
		set.target = t.Target
		return set, nil
	}
	if len(configs) == 0 {
		return set, nil
	}
	doc, err := MergeYAML(configs...)
	if err != nil {
		return set, err
	}
	set.from = strings.Join(configs, ", ")
	sec, _ := doc["model"].(map[string]any)
	set.target, _ = sec["target"].(string)
	if p, ok := sec["params"].(map[string]any); ok {
		set.params = p
	}
	if v, ok := sec["base_learning_rate"]; ok {
		lr, ok := number(v)
		if !ok {
			return set, fmt.Errorf("model: %s: base_learning_rate %v is not a number", set.from, v)
		}
		set.baseLR = lr
	}
	return set, nil
}

// jsonNumbers turns json.Numbers into int64 where they are integers and
// float64 otherwise, so that 3 stays an int in the YAML (taming passes
// disc_num_layers to range()).
func jsonNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, x := range v {
			v[k] = jsonNumbers(x)
		}
	case []any:
		for i, x := range v {
			v[i] = jsonNumbers(x)
		}
	}
	return v
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// exporter gathers the state_dict (out: key -> *ckpt.Tensor or *ckpt.Data)
// while it writes the config.
type exporter struct {
	f      *ckpt.File
	spec   *Spec
	set    tamingSettings
	opt    ExportOptions
	out    map[string]any
	optims []tamingOptimizer // what taming's configure_optimizers returns for the exported model
	disc   *discShape        // the exported discriminator, if any
}

// copyPrefix copies the file's tensors under prefix, except those under
// any of the skip prefixes and the training state.
func (e *exporter) copyPrefix(prefix string, skip ...string) {
	for k, t := range e.f.Tensors {
		if !strings.HasPrefix(k, prefix) || isTrainingState(k) || slices.ContainsFunc(skip, func(s string) bool { return strings.HasPrefix(k, s) }) {
			continue
		}
		e.out[k] = t
	}
}

func (e *exporter) checkpoint() (*ckpt.PyDict, error) {
	step, epoch := int64(0), int64(0)
	for _, m := range []struct {
		keys []string
		dst  *int64
	}{{[]string{metaStep, "global_step"}, &step}, {[]string{"epoch"}, &epoch}} {
		for _, k := range m.keys {
			if s, ok := e.f.Metadata[k]; ok {
				v, err := strconv.ParseInt(s, 10, 64)
				if err != nil || v < 0 {
					return nil, fmt.Errorf("model: %s: metadata %s = %q is not a step count", e.f.Path, k, s)
				}
				*m.dst = v
				break
			}
		}
	}
	sd := ckpt.NewPyDict(true)
	for _, k := range slices.Sorted(maps.Keys(e.out)) {
		sd.Set(k, e.out[k])
	}
	states, err := e.optimizerStates()
	if err != nil {
		return nil, err
	}
	// Lightning 1.0.8 resumes only from a checkpoint with optimizer and
	// scheduler lists, and reads the callbacks dict without checking for it.
	return ckpt.NewPyDict(false).
		Set("epoch", epoch).
		Set("global_step", step).
		Set("pytorch-lightning_version", "1.0.8").
		Set("callbacks", ckpt.NewPyDict(false)).
		Set("state_dict", sd).
		Set("optimizer_states", states).
		Set("lr_schedulers", ckpt.PyList{}), nil
}

// vqModel exports a first stage alone, with its loss networks.
func (e *exporter) vqModel() (ymap, error) {
	cfg := e.spec.FirstStage
	target := targetVQModel
	labels := 0
	switch {
	case cfg.Quantizer == vqgan.GumbelQuantizer: // a GumbelVQ (vqBlock)
	case cfg.DD.InChannels == cfg.DD.OutCh && (e.set.target == targetSegVQ ||
		e.set.target == "" && cfg.DD.InChannels != 1 && cfg.DD.InChannels != 3):
		// A Tessera file does not say it was a segmentation model; a
		// one-hot label map has a channel per label, images 3 and depth 1.
		target, labels = targetSegVQ, cfg.DD.InChannels
	}
	if labels > 0 && !e.has("colorize") {
		// VQSegmentationModel always registers this buffer: a random
		// projection of the labels to RGB for previews.
		rng := rand.New(rand.NewPCG(0, 0))
		c := &ckpt.Data{Shape: []int{3, labels, 1, 1}, F32: make([]float32, 3*labels)}
		for i := range c.F32 {
			c.F32[i] = float32(rng.NormFloat64())
		}
		e.out["colorize"] = c
	}
	e.copyPrefix("", "loss.")
	loss, err := e.loss(labels > 0)
	if err != nil {
		return nil, err
	}
	block, err := e.vqBlock("", target, cfg, loss, labels)
	if err != nil {
		return nil, err
	}
	ae := tamingOptimizer{names: []string{"ae"}, betas: [2]float64{0.5, 0.9}, groups: []paramGroup{{keys: vqParamOrder(cfg, "")}}}
	switch {
	case labels > 0: // VQSegmentationModel trains its autoencoder alone
		ae.names = []string{"cond", "ae"}
		e.optims = []tamingOptimizer{ae}
	case e.disc != nil:
		e.optims = []tamingOptimizer{ae, {names: []string{"disc"}, betas: [2]float64{0.5, 0.9}, groups: []paramGroup{{keys: e.disc.paramOrder()}}}}
	}
	return append(ymap{{"base_learning_rate", yfloat(e.set.baseLR)}}, block...), nil
}

// vqBlock is the {target, params} of a VQ model whose tensors sit under
// prefix in the state_dict; the model itself (prefix "") also gets the
// source's extra params.
func (e *exporter) vqBlock(prefix, target string, cfg vqgan.Config, loss any, labels int) (ymap, error) {
	if cfg.Quantizer == vqgan.GumbelQuantizer {
		target = targetGumbelVQ
	}
	if e.has(prefix + "quantize.used") {
		return nil, fmt.Errorf("model: %s: %squantize.used: a remapped codebook cannot be exported (taming reads it from a .npy file named in the config)", e.f.Path, prefix)
	}
	if cfg.Beta != 0.25 && cfg.Beta != 0 {
		return nil, fmt.Errorf("model: %s: quantizer beta %g: taming's VQModel fixes it at 0.25", e.f.Path, cfg.Beta)
	}
	params := ymap{{"embed_dim", cfg.EmbedDim}, {"n_embed", cfg.NEmbed}}
	if labels > 0 {
		params = append(params, yitem{"n_labels", labels})
	}
	params = append(params, yitem{"ddconfig", ddconfig(cfg.DD)}, yitem{"lossconfig", loss})
	if t, ok := e.f.Tensors[prefix+"colorize"]; ok && labels == 0 {
		// VQModel registers the buffer from __init__ only when told its size.
		if len(t.Shape) != 4 {
			return nil, fmt.Errorf("model: %s: %scolorize has shape %v, want [3 labels 1 1]", e.f.Path, prefix, t.Shape)
		}
		params = append(params, yitem{"colorize_nlabels", t.Shape[1]})
	}
	if prefix == "" {
		params = append(params, e.extras(params)...)
	}
	if target == targetGumbelVQ {
		params = gumbelDefaults(params)
	}
	return ymap{{"target", target}, {"params", params}}, nil
}

func ddconfig(d vqgan.DDConfig) ymap {
	return ymap{
		{"double_z", d.DoubleZ}, {"z_channels", d.ZChannels}, {"resolution", d.Resolution},
		{"in_channels", d.InChannels}, {"out_ch", d.OutCh}, {"ch", d.Ch}, {"ch_mult", flowInts(d.ChMult)},
		{"num_res_blocks", d.NumResBlocks}, {"attn_resolutions", flowInts(d.AttnResolutions)}, {"dropout", yfloat(0)},
	}
}

// gumbelDefaults adds what GumbelVQ requires and the source did not say:
// the temperature schedule and KL weight of taming's f8 Gumbel model.
func gumbelDefaults(params ymap) ymap {
	if !params.has("temperature_scheduler_config") {
		params = append(params, yitem{"temperature_scheduler_config", ymap{
			{"target", "taming.lr_scheduler.LambdaWarmUpCosineScheduler"},
			{"params", ymap{{"warm_up_steps", 0}, {"max_decay_steps", 1000001}, {"lr_start", yfloat(0.9)}, {"lr_max", yfloat(0.9)}, {"lr_min", yfloat(1e-6)}}},
		}})
	}
	if !params.has("kl_weight") {
		params = append(params, yitem{"kl_weight", yfloat(1e-8)})
	}
	return params
}

// extras are the source's model.params entries the export does not write
// itself, minus the paths of the original run's files.
func (e *exporter) extras(written ymap) ymap {
	var out ymap
	for _, k := range slices.Sorted(maps.Keys(e.set.params)) {
		switch k {
		case "ckpt_path", "ignore_keys", "lossconfig", "unconditional", "colorize_nlabels", "remap":
			continue
		}
		if !written.has(k) {
			out = append(out, yitem{k, yamlValue(e.set.params[k])})
		}
	}
	return out
}

func (e *exporter) has(key string) bool {
	_, ok := e.f.Tensors[key]
	return ok && !isTrainingState(key)
}

// loss decides a VQGAN's lossconfig: the source's, else a
// VQLPIPSWithDiscriminator when the weights hold a discriminator, else
// BCELossWithQuant for a segmentation model and DummyLoss otherwise; it
// copies the loss networks the chosen loss registers.
func (e *exporter) loss(seg bool) (any, error) {
	disc := e.keysUnder("loss.discriminator.")
	raw, given := e.set.params["lossconfig"]
	if !given {
		switch {
		case len(disc) > 0:
			d, err := e.inferDisc(disc)
			if err != nil {
				return nil, err
			}
			raw = map[string]any{"target": targetVQLPIPS, "params": map[string]any{
				"disc_conditional": false, "disc_in_channels": d.in, "disc_start": 0, "disc_weight": 1.0,
				"codebook_weight": 1.0, "perceptual_weight": 1.0, "disc_num_layers": d.layers, "disc_ndf": d.ndf,
				"use_actnorm": d.actnorm,
			}}
		case seg:
			raw = map[string]any{"target": targetBCEQuant}
		default:
			raw = map[string]any{"target": targetDummyLoss}
		}
	}
	lc, ok := raw.(map[string]any)
	target, _ := lc["target"].(string)
	if !ok || target == "" {
		return nil, fmt.Errorf("model: %s: lossconfig %v has no target", e.set.from, raw)
	}
	switch target {
	case targetDummyLoss, targetDummyLoss2, targetBCEQuant:
		return yamlValue(lc), nil
	case targetVQLPIPS:
	default:
		return nil, fmt.Errorf("model: %s: loss %s cannot be exported (Tessera writes %s, %s and %s)", e.set.from, target, targetVQLPIPS, targetBCEQuant, targetDummyLoss)
	}
	if len(disc) == 0 {
		return nil, fmt.Errorf("model: %s: the config's loss is %s, but the weights hold no discriminator (loss.discriminator.*)", e.f.Path, target)
	}
	d, err := e.inferDisc(disc)
	if err != nil {
		return nil, err
	}
	params, _ := lc["params"].(map[string]any)
	if err := d.matches(params, e.set.from); err != nil {
		return nil, err
	}
	for _, k := range disc {
		e.out[k] = e.f.Tensors[k]
	}
	e.disc = &d
	if err := e.copyLPIPS(); err != nil {
		return nil, err
	}
	return yamlValue(lc), nil
}

func (e *exporter) keysUnder(prefix string) []string {
	var keys []string
	for _, k := range e.f.Keys() {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	return keys
}

// copyLPIPS copies loss.perceptual_loss.* from the weights, or else from
// ExportOptions.LPIPS, after checking it is LPIPS over VGG16 entire.
func (e *exporter) copyLPIPS() error {
	const prefix = "loss.perceptual_loss."
	src := e.f
	if len(e.keysUnder(prefix)) == 0 {
		if e.opt.LPIPS == "" {
			return fmt.Errorf("model: %s: the VQGAN has a discriminator but no LPIPS weights (%s*): %w", e.f.Path, prefix, ErrNoLPIPS)
		}
		f, err := ckpt.Open(e.opt.LPIPS)
		if err != nil {
			return err
		}
		defer f.Close() // so its tensors are read here, not when the checkpoint is written
		src = f
	}
	want := lpipsShapes()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		shape := want[k]
		t, ok := src.Tensors[prefix+k]
		if !ok {
			return fmt.Errorf("model: %s: LPIPS weight %s%s is missing", src.Path, prefix, k)
		}
		if !slices.Equal(t.Shape, shape) {
			return fmt.Errorf("model: %s: LPIPS weight %s%s has shape %v, want %v", src.Path, prefix, k, t.Shape, shape)
		}
		if src == e.f {
			e.out[prefix+k] = t
			continue
		}
		d, err := t.Data()
		if err != nil {
			return err
		}
		e.out[prefix+k] = d
	}
	for _, k := range e.keysUnder(prefix) {
		if _, ok := want[strings.TrimPrefix(k, prefix)]; !ok {
			return fmt.Errorf("model: %s: %s is not an LPIPS weight", e.f.Path, k)
		}
	}
	return nil
}

// lpipsShapes lists LPIPS's state_dict (taming-spec 4.4): the scaling
// layer's buffers, VGG16's convolutions in its feature slices, and one 1x1
// convolution per slice.
func lpipsShapes() map[string][]int {
	out := map[string][]int{"scaling_layer.shift": {1, 3, 1, 1}, "scaling_layer.scale": {1, 3, 1, 1}}
	in := 3
	for s, slice := range vggSlices {
		for _, c := range slice.convs {
			key := "net.slice" + strconv.Itoa(s+1) + "." + strconv.Itoa(c.index)
			out[key+".weight"] = []int{c.out, in, 3, 3}
			out[key+".bias"] = []int{c.out}
			in = c.out
		}
		out["lin"+strconv.Itoa(s)+".model.1.weight"] = []int{1, in, 1, 1}
	}
	return out
}

// vggSlices are the convolutions of torchvision's vgg16().features in
// LPIPS's five slices, by index into features and output width.
var vggSlices = []struct{ convs []struct{ index, out int } }{
	{[]struct{ index, out int }{{0, 64}, {2, 64}}},
	{[]struct{ index, out int }{{5, 128}, {7, 128}}},
	{[]struct{ index, out int }{{10, 256}, {12, 256}, {14, 256}}},
	{[]struct{ index, out int }{{17, 512}, {19, 512}, {21, 512}}},
	{[]struct{ index, out int }{{24, 512}, {26, 512}, {28, 512}}},
}

// discShape is an NLayerDiscriminator's configuration.
type discShape struct {
	layers, ndf, in int
	actnorm         bool
}

// inferDisc reads the discriminator's configuration from its weights
// (taming-spec 4.3) and checks they are that network entire.
func (e *exporter) inferDisc(keys []string) (discShape, error) {
	const prefix = "loss.discriminator.main."
	first, ok := e.f.Tensors[prefix+"0.weight"]
	if !ok || len(first.Shape) != 4 {
		return discShape{}, fmt.Errorf("model: %s: discriminator without %s0.weight [ndf in 4 4]", e.f.Path, prefix)
	}
	last := 0
	for _, k := range keys {
		i, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(k, prefix), ".", 2)[0])
		if err != nil || !strings.HasPrefix(k, prefix) {
			return discShape{}, fmt.Errorf("model: %s: %s is not an NLayerDiscriminator weight", e.f.Path, k)
		}
		last = max(last, i)
	}
	// Layer n (1..layers) is conv 3n-1 and norm 3n; the output conv is 3*layers+2.
	d := discShape{layers: (last - 2) / 3, ndf: first.Shape[0], in: first.Shape[1], actnorm: e.has(prefix + "3.loc")}
	want := d.shapes()
	for _, k := range keys { // sorted
		shape, ok := want[strings.TrimPrefix(k, prefix)]
		if !ok {
			return d, fmt.Errorf("model: %s: %s does not belong to a %d-layer discriminator", e.f.Path, k, d.layers)
		}
		if got := e.f.Tensors[k].Shape; !slices.Equal(got, shape) {
			return d, fmt.Errorf("model: %s: %s has shape %v, a %d-layer discriminator with ndf %d needs %v", e.f.Path, k, got, d.layers, d.ndf, shape)
		}
	}
	if len(keys) != len(want) {
		return d, fmt.Errorf("model: %s: the %d-layer discriminator has %d of its %d weights", e.f.Path, d.layers, len(keys), len(want))
	}
	return d, nil
}

// shapes lists the discriminator's state_dict under loss.discriminator.main.
func (d discShape) shapes() map[string][]int {
	out := map[string][]int{"0.weight": {d.ndf, d.in, 4, 4}, "0.bias": {d.ndf}}
	prev := d.ndf
	for n := 1; n <= d.layers; n++ {
		c := d.ndf * min(1<<n, 8)
		conv, norm := strconv.Itoa(3*n-1), strconv.Itoa(3*n)
		out[conv+".weight"] = []int{c, prev, 4, 4}
		if d.actnorm {
			out[conv+".bias"] = []int{c}
			out[norm+".loc"] = []int{1, c, 1, 1}
			out[norm+".scale"] = []int{1, c, 1, 1}
			out[norm+".initialized"] = []int{}
		} else {
			for _, b := range []string{".weight", ".bias", ".running_mean", ".running_var"} {
				out[norm+b] = []int{c}
			}
			out[norm+".num_batches_tracked"] = []int{}
		}
		prev = c
	}
	final := strconv.Itoa(3*d.layers + 2)
	out[final+".weight"] = []int{1, prev, 4, 4}
	out[final+".bias"] = []int{1}
	return out
}

// paramOrder lists the discriminator's parameters as parameters() yields
// them: by layer, a conv's weight before its bias, ActNorm's loc before
// its scale.
func (d discShape) paramOrder() []string {
	rank := map[string]int{"weight": 0, "loc": 0, "bias": 1, "scale": 1}
	type param struct {
		layer, rank int
		key         string
	}
	var ps []param
	for k := range d.shapes() {
		layer, name, _ := strings.Cut(k, ".")
		r, ok := rank[name]
		if !ok {
			continue // a buffer
		}
		i, _ := strconv.Atoi(layer)
		ps = append(ps, param{i, r, "loss.discriminator.main." + k})
	}
	slices.SortFunc(ps, func(a, b param) int { return cmp.Or(a.layer-b.layer, a.rank-b.rank) })
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.key
	}
	return out
}

// matches checks a VQLPIPSWithDiscriminator's params describe this
// discriminator (taming's defaults where a param is absent).
func (d discShape) matches(params map[string]any, from string) error {
	for _, c := range []struct {
		key       string
		def, have int
	}{{"disc_num_layers", 3, d.layers}, {"disc_ndf", 64, d.ndf}, {"disc_in_channels", 3, d.in}} {
		v, ok := params[c.key]
		n, isNum := number(v)
		if !ok {
			n, isNum = float64(c.def), true
		}
		if !isNum || n != float64(c.have) {
			return fmt.Errorf("model: %s: lossconfig %s is %v, the discriminator's weights have %d", from, c.key, v, c.have)
		}
	}
	if a, _ := params["use_actnorm"].(bool); a != d.actnorm {
		return fmt.Errorf("model: %s: lossconfig use_actnorm is %v, the discriminator's weights say %v", from, a, d.actnorm)
	}
	return nil
}

// net2net exports a transformer with its first stage and conditioning.
func (e *exporter) net2net() (ymap, error) {
	s := e.spec
	tc := s.Transformer
	e.copyPrefix("first_stage_model.", "first_stage_model.loss.")
	e.copyPrefix("transformer.")
	for l := 0; l < tc.NLayer; l++ {
		key := "transformer.blocks." + strconv.Itoa(l) + ".attn.mask"
		if !e.has(key) {
			e.out[key] = causalMask(tc.BlockSize)
		}
	}
	dummy := ymap{{"target", targetDummyLoss}}
	first, err := e.vqBlock("first_stage_model.", targetVQModel, s.FirstStage, dummy, 0)
	if err != nil {
		return nil, err
	}
	key := s.Cond.Key
	var cond any
	switch s.Cond.Kind {
	case CondClass:
		cond = ymap{{"target", targetLabelator}, {"params", ymap{{"n_classes", s.Cond.Classes}}}}
		key = orDefault(key, "class_label")
	case CondNone:
		cond = ymap{{"target", targetSOSProvider}, {"params", ymap{{"sos_token", s.Cond.SOSToken}}}}
		key = "image" // the SOS provider ignores its input; the key must be in the batch
	case CondSpatial:
		e.copyPrefix("cond_stage_model.", "cond_stage_model.loss.")
		key = orDefault(key, "depth")
		block, err := e.vqBlock("cond_stage_model.", targetVQModel, *s.CondStage, dummy, 0)
		if err != nil {
			return nil, err
		}
		block[1].val = append(block[1].val.(ymap), yitem{"image_key", key})
		cond = block
	case CondFirstStage:
		// The cond stage is the first stage's module, so the state_dict
		// holds its tensors under both names.
		for _, k := range slices.Sorted(maps.Keys(e.out)) {
			if rest, ok := strings.CutPrefix(k, "first_stage_model."); ok {
				e.out["cond_stage_model."+rest] = e.out[k]
			}
		}
		cond = "__is_first_stage__"
	}
	params := ymap{
		{"cond_stage_key", key},
		{"first_stage_key", "image"},
		{"transformer_config", ymap{{"target", targetGPT}, {"params", ymap{
			{"vocab_size", tc.VocabSize}, {"block_size", tc.BlockSize}, {"n_layer", tc.NLayer}, {"n_head", tc.NHead}, {"n_embd", tc.NEmbd},
		}}}},
		{"first_stage_config", first},
		{"cond_stage_config", cond},
		{"permuter_config", ymap{{"target", targetIdentity}}},
	}
	if s.Cond.Kind == CondNone {
		params = append(params, yitem{"sos_token", s.Cond.SOSToken})
	}
	decay, noDecay := gptParamGroups(*tc)
	e.optims = []tamingOptimizer{{names: []string{"gpt"}, betas: [2]float64{0.9, 0.95},
		groups: []paramGroup{{keys: decay, decay: 0.01}, {keys: noDecay}}}}
	params = append(params, e.extras(params)...)
	return ymap{{"base_learning_rate", yfloat(e.set.baseLR)}, {"target", targetNet2Net}, {"params", params}}, nil
}

// tamingOptimizer is one optimizer taming's configure_optimizers returns,
// by the name of the trainer's optimizer that stands for it.
type tamingOptimizer struct {
	names  []string // the trainer's names for it, in order of preference
	betas  [2]float64
	groups []paramGroup
}

// paramGroup is a torch optimizer's parameter group: state_dict keys in the
// order taming passes the parameters, which numbers them in the state.
type paramGroup struct {
	keys  []string
	decay float64
}

// optimizerStates are torch state dicts of the optimizers taming makes,
// when the source holds the trainer's state for every one of them, and an
// empty list otherwise.
func (e *exporter) optimizerStates() (ckpt.PyList, error) {
	out := ckpt.PyList{}
	lr, err := e.learningRate()
	if err != nil {
		return nil, err
	}
	for _, o := range e.optims {
		name, steps, err := e.trainerOptimizer(o.names)
		if err != nil || name == "" {
			return ckpt.PyList{}, err
		}
		state := ckpt.NewPyDict(false)
		var groups ckpt.PyList
		index := 0
		for _, g := range o.groups {
			ids := ckpt.PyList{}
			for _, key := range g.keys {
				if steps > 0 { // torch keeps no state for a parameter never stepped
					st, err := e.moments(name, key, steps)
					if err != nil {
						return nil, err
					}
					state.Set(index, st)
				}
				ids = append(ids, index)
				index++
			}
			groups = append(groups, ckpt.NewPyDict(false).Set("lr", lr).Set("betas", ckpt.PyTuple{o.betas[0], o.betas[1]}).
				Set("eps", 1e-8).Set("weight_decay", g.decay).Set("amsgrad", false).Set("params", ids))
		}
		out = append(out, ckpt.NewPyDict(false).Set("state", state).Set("param_groups", groups))
	}
	return out, nil
}

// trainerOptimizer finds the first of names the source has a step count
// for; "" when it has none.
func (e *exporter) trainerOptimizer(names []string) (string, int64, error) {
	for _, name := range names {
		s, ok := e.f.Metadata[metaOptim+name+".steps"]
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return "", 0, fmt.Errorf("model: %s: metadata %s%s.steps = %q is not a step count", e.f.Path, metaOptim, name, s)
		}
		return name, n, nil
	}
	return "", 0, nil
}

// moments is torch Adam's state of one parameter from the trainer's
// moments, which are stored flat.
func (e *exporter) moments(name, key string, steps int64) (*ckpt.PyDict, error) {
	p, ok := e.out[key]
	if !ok {
		return nil, fmt.Errorf("model: %s: %s, a parameter of taming's optimizer, is not among the exported tensors", e.f.Path, key)
	}
	shape := shapeOf(p)
	st := ckpt.NewPyDict(false).Set("step", steps)
	for _, part := range [][2]string{{".m.", "exp_avg"}, {".v.", "exp_avg_sq"}} {
		k := stateOpt + name + part[0] + key
		t, ok := e.f.Tensors[k]
		if !ok {
			return nil, fmt.Errorf("model: %s: optimizer %s has %d steps but no %s", e.f.Path, name, steps, k)
		}
		if !t.DType.IsFloat() {
			return nil, fmt.Errorf("model: %s: %s is %s, not floating point", e.f.Path, k, t.DType)
		}
		r, err := t.Reshaped(shape)
		if err != nil {
			return nil, fmt.Errorf("model: %s: %s for a parameter of shape %v: %w", e.f.Path, k, shape, err)
		}
		st.Set(part[1], r)
	}
	return st, nil
}

func shapeOf(v any) []int {
	if t, ok := v.(*ckpt.Tensor); ok {
		return t.Shape
	}
	return v.(*ckpt.Data).Shape
}

// learningRate is the rate the trainer's optimizers ran with, which
// Lightning's resume restores with their state: the run's lr, else
// base_learning_rate scaled by batch and accumulation as main.py does.
func (e *exporter) learningRate() (float64, error) {
	raw, ok := e.f.Metadata[metaTrain]
	if !ok {
		return e.set.baseLR, nil
	}
	var o struct {
		LR         float64 `json:"lr"`
		Batch      int     `json:"batch"`
		Accumulate int     `json:"accumulate"`
	}
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		return 0, fmt.Errorf("model: %s: bad %s metadata: %w", e.f.Path, metaTrain, err)
	}
	if o.LR > 0 {
		return o.LR, nil
	}
	return e.set.baseLR * float64(max(o.Batch, 1)*max(o.Accumulate, 1)), nil
}

// vqParamOrder lists a VQModel's trained parameters as its parameters()
// yields them (module registration order, taming-spec 1.1-1.3): encoder,
// decoder, quantize, quant_conv, post_quant_conv.
func vqParamOrder(c vqgan.Config, prefix string) []string {
	d := c.DD
	var out []string
	add := func(p string, names ...string) {
		for _, n := range names {
			out = append(out, prefix+p+n)
		}
	}
	wb := func(p string) { add(p, "weight", "bias") }
	resnet := func(p string, in, outc int) {
		for _, m := range []string{"norm1.", "conv1.", "norm2.", "conv2."} {
			wb(p + m)
		}
		if in != outc {
			wb(p + "nin_shortcut.")
		}
	}
	attn := func(p string) {
		for _, m := range []string{"norm.", "q.", "k.", "v.", "proj_out."} {
			wb(p + m)
		}
	}
	mid := func(p string, c int) {
		resnet(p+"block_1.", c, c)
		attn(p + "attn_1.")
		resnet(p+"block_2.", c, c)
	}
	levels, r := len(d.ChMult), d.NumResBlocks
	width := func(i int) int { return d.Ch * d.ChMult[i] }

	wb("encoder.conv_in.")
	in, res := d.Ch, d.Resolution
	for i := 0; i < levels; i++ {
		p := "encoder.down." + strconv.Itoa(i) + "."
		for j := 0; j < r; j++ {
			resnet(p+"block."+strconv.Itoa(j)+".", in, width(i))
			in = width(i)
		}
		if slices.Contains(d.AttnResolutions, res) {
			for j := 0; j < r; j++ {
				attn(p + "attn." + strconv.Itoa(j) + ".")
			}
		}
		if i != levels-1 {
			wb(p + "downsample.conv.")
			res /= 2
		}
	}
	mid("encoder.mid.", in)
	wb("encoder.norm_out.")
	wb("encoder.conv_out.")

	top := width(levels - 1)
	wb("decoder.conv_in.")
	mid("decoder.mid.", top)
	lowest := d.Resolution >> (levels - 1)
	for i := 0; i < levels; i++ { // up is indexed by level, up.0 first
		p := "decoder.up." + strconv.Itoa(i) + "."
		in := top
		if i < levels-1 {
			in = width(i + 1)
		}
		for j := 0; j <= r; j++ {
			resnet(p+"block."+strconv.Itoa(j)+".", in, width(i))
			in = width(i)
		}
		if slices.Contains(d.AttnResolutions, lowest<<(levels-1-i)) {
			for j := 0; j <= r; j++ {
				attn(p + "attn." + strconv.Itoa(j) + ".")
			}
		}
		if i != 0 {
			wb(p + "upsample.conv.")
		}
	}
	wb("decoder.norm_out.")
	wb("decoder.conv_out.")

	if c.Quantizer == vqgan.GumbelQuantizer {
		add("quantize.", "proj.weight", "proj.bias", "embed.weight")
	} else {
		add("quantize.", "embedding.weight")
	}
	wb("quant_conv.")
	wb("post_quant_conv.")
	return out
}

// gptParamGroups splits minGPT's parameters as taming's Net2Net
// configure_optimizers does: Linear weights decay, everything else (biases,
// LayerNorm and embedding weights, pos_emb) does not; each group sorted by
// name, which numbers them in the optimizer.
func gptParamGroups(c gpt.Config) (decay, noDecay []string) {
	decay = []string{"head.weight"}
	noDecay = []string{"pos_emb", "tok_emb.weight", "ln_f.weight", "ln_f.bias"}
	for l := 0; l < c.NLayer; l++ {
		b := "blocks." + strconv.Itoa(l) + "."
		for _, lin := range []string{"attn.key.", "attn.query.", "attn.value.", "attn.proj.", "mlp.0.", "mlp.2."} {
			decay = append(decay, b+lin+"weight")
			noDecay = append(noDecay, b+lin+"bias")
		}
		noDecay = append(noDecay, b+"ln1.weight", b+"ln1.bias", b+"ln2.weight", b+"ln2.bias")
	}
	for _, g := range []*[]string{&decay, &noDecay} {
		slices.Sort(*g)
		for i, k := range *g {
			(*g)[i] = "transformer." + k
		}
	}
	return decay, noDecay
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// causalMask is minGPT's attention mask buffer: ones on and below the diagonal.
func causalMask(t int) *ckpt.Data {
	d := &ckpt.Data{Shape: []int{1, 1, t, t}, F32: make([]float32, t*t)}
	for i := 0; i < t; i++ {
		for j := 0; j <= i; j++ {
			d.F32[i*t+j] = 1
		}
	}
	return d
}

// ymap is a YAML mapping that keeps its order.
type ymap []yitem

type yitem struct {
	key string
	val any
}

func (m ymap) has(key string) bool {
	return slices.ContainsFunc(m, func(it yitem) bool { return it.key == key })
}

func (m ymap) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, it := range m {
		var v yaml.Node
		if err := v.Encode(it.val); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: it.key}, &v)
	}
	return n, nil
}

// yfloat is a float written so that Python's YAML loaders read a float:
// always with a decimal point (PyYAML takes 1e-06 for a string, and 1 for
// an int).
type yfloat float64

func (f yfloat) MarshalYAML() (any, error) {
	v := float64(f)
	var s string
	switch {
	case math.IsNaN(v):
		s = ".nan"
	case math.IsInf(v, 1):
		s = ".inf"
	case math.IsInf(v, -1):
		s = "-.inf"
	default:
		s = strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.Contains(s, ".") {
			if i := strings.IndexByte(s, 'e'); i >= 0 {
				s = s[:i] + ".0" + s[i:]
			} else {
				s += ".0"
			}
		}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: s}, nil
}

// flowInts is an int list written inline, [1, 1, 2], as taming's configs do.
type flowInts []int

func (l flowInts) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, v := range l {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)})
	}
	return n, nil
}

// yamlValue prepares a value read from YAML or JSON for writing: floats
// keep their decimal point, and maps their keys in order, a target first.
func yamlValue(v any) any {
	switch v := v.(type) {
	case float64:
		return yfloat(v)
	case map[string]any:
		keys := slices.Sorted(maps.Keys(v))
		if i := slices.Index(keys, "target"); i > 0 {
			keys = append(append([]string{"target"}, keys[:i]...), keys[i+1:]...)
		}
		m := make(ymap, 0, len(v))
		for _, k := range keys {
			m = append(m, yitem{k, yamlValue(v[k])})
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = yamlValue(x)
		}
		return out
	}
	return v
}
