package model

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"tessera/engine/ckpt"
	"tessera/engine/internal/reftest"
	"tessera/engine/weights"
)

// export exports m into a fresh directory and reopens the result.
func export(t *testing.T, m *Model, opt ExportOptions) (string, *Model) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "export")
	if err := Export(m, dir, opt); err != nil {
		t.Fatal(err)
	}
	back, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Spec, m.Spec) {
		t.Fatalf("reopened spec %+v, want %+v", back.Spec, m.Spec)
	}
	return dir, back
}

// exportedConfig reads the model section of an export's YAML.
func exportedConfig(t *testing.T, dir string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "configs", "model.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc["model"]
}

// sameTensors checks got holds want's tensors with equal values (float16
// sources come back as float32), and returns got's other keys.
func sameTensors(t *testing.T, got, want map[string]*ckpt.Data) []string {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s missing from the export", k)
			continue
		}
		if !slices.Equal(g.Shape, w.Shape) || !slices.Equal(g.F32, w.F32) || !slices.Equal(g.I64, w.I64) {
			t.Errorf("%s: exported %v differs from the source %v", k, g.Shape, w.Shape)
		}
	}
	var extra []string
	for k := range got {
		if _, ok := want[k]; !ok {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	return extra
}

func TestExportRoundTrip(t *testing.T) {
	lpips := fixtureCheckpoint("vqgan_lpips")
	for _, name := range []string{"vqgan", "vqgan_lpips", "cin_transformer", "seg_transformer"} {
		t.Run(name, func(t *testing.T) {
			orig := openFixture(t, name)
			dir, back := export(t, orig, ExportOptions{LPIPS: lpips})
			got := readAll(t, back.WeightsPath)
			extra := sameTensors(t, got, readAll(t, orig.WeightsPath))
			for _, k := range extra {
				// Only the vqgan fixture, which has no LPIPS, gains tensors.
				if name != "vqgan" || !strings.HasPrefix(k, "loss.perceptual_loss.") {
					t.Errorf("unexpected tensor %s in the export", k)
				}
			}
			if name == "vqgan" && len(extra) != len(lpipsShapes()) {
				t.Errorf("%d LPIPS tensors added, want %d", len(extra), len(lpipsShapes()))
			}
			f := mustOpen(t, back.WeightsPath)
			if f.Format != "torch-zip" || f.Metadata["global_step"] != mustOpen(t, orig.WeightsPath).Metadata["global_step"] ||
				f.Metadata["pytorch-lightning_version"] != "1.0.8" {
				t.Errorf("exported %s with metadata %v", f.Format, f.Metadata)
			}
			// The taming settings of the source config carry over.
			want, err := os.ReadFile(reftest.Path(name, "configs", "model.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var src map[string]map[string]any
			if err := yaml.Unmarshal(want, &src); err != nil {
				t.Fatal(err)
			}
			cfg := exportedConfig(t, dir)
			if cfg["base_learning_rate"] != src["model"]["base_learning_rate"] {
				t.Errorf("base_learning_rate %v, want %v", cfg["base_learning_rate"], src["model"]["base_learning_rate"])
			}
			if lc := src["model"]["params"].(map[string]any)["lossconfig"]; lc != nil &&
				!reflect.DeepEqual(cfg["params"].(map[string]any)["lossconfig"], lc) {
				t.Errorf("lossconfig %v, want %v", cfg["params"].(map[string]any)["lossconfig"], lc)
			}
		})
	}
}

// A Tessera training checkpoint: its taming settings and step go into the
// export, its training state does not.
func TestExportTrainingCheckpoint(t *testing.T) {
	orig := openFixture(t, "vqgan_lpips")
	tensors := readAll(t, orig.WeightsPath)
	source := maps.Clone(tensors)
	tensors["train.opt.ae.m.encoder.conv_in.weight"] = &ckpt.Data{Shape: []int{32, 3, 3, 3}, F32: make([]float32, 32*27)}
	tensors["train.ema.decoder.conv_out.bias"] = &ckpt.Data{Shape: []int{3}, F32: []float32{1, 2, 3}}
	taming := `{"base_learning_rate": 1e-4, "params": {"monitor": "val/rec_loss", "lossconfig": {
		"target": "taming.modules.losses.vqperceptual.VQLPIPSWithDiscriminator",
		"params": {"disc_start": 250001, "disc_weight": 0.8, "codebook_weight": 1, "disc_num_layers": 2, "disc_ndf": 8}}}}`
	path := filepath.Join(t.TempDir(), "run.safetensors")
	writeTessera(t, path, &orig.Spec, tensors, map[string]string{metaTaming: taming, metaStep: "42"})
	m, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	dir, back := export(t, m, ExportOptions{})
	if extra := sameTensors(t, readAll(t, back.WeightsPath), source); len(extra) > 0 {
		t.Errorf("export holds %v", extra)
	}
	if md := mustOpen(t, back.WeightsPath).Metadata; md["global_step"] != "42" || md["epoch"] != "0" {
		t.Errorf("metadata %v", md)
	}
	cfg := exportedConfig(t, dir)
	params := cfg["params"].(map[string]any)
	lc := params["lossconfig"].(map[string]any)["params"].(map[string]any)
	if cfg["base_learning_rate"] != 1e-4 || params["monitor"] != "val/rec_loss" ||
		lc["disc_start"] != 250001 || lc["disc_weight"] != 0.8 || lc["codebook_weight"] != 1 {
		t.Errorf("config %v", cfg)
	}

	// Settings that do not fit the weights are refused.
	bad := strings.Replace(taming, `"disc_num_layers": 2`, `"disc_num_layers": 3`, 1)
	writeTessera(t, path, &orig.Spec, tensors, map[string]string{metaTaming: bad})
	m, err = Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	err = Export(m, filepath.Join(t.TempDir(), "x"), ExportOptions{})
	if err == nil || !strings.Contains(err.Error(), "disc_num_layers is 3") || !strings.Contains(err.Error(), "have 2") {
		t.Errorf("mismatched lossconfig: %v", err)
	}
}

// Without taming settings the lossconfig comes from the weights: the
// discriminator's shape, or no loss networks at all.
func TestExportInfersTheLoss(t *testing.T) {
	orig := openFixture(t, "vqgan_lpips")
	path := filepath.Join(t.TempDir(), "all.safetensors")
	writeTessera(t, path, &orig.Spec, readAll(t, orig.WeightsPath), nil)
	m, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := export(t, m, ExportOptions{})
	lc := exportedConfig(t, dir)["params"].(map[string]any)["lossconfig"].(map[string]any)
	p := lc["params"].(map[string]any)
	if lc["target"] != targetVQLPIPS || p["disc_num_layers"] != 2 || p["disc_ndf"] != 8 || p["disc_in_channels"] != 3 || p["use_actnorm"] != false {
		t.Errorf("inferred lossconfig %v", lc)
	}

	// A converted file holds the model's weights only: a DummyLoss.
	conv := filepath.Join(t.TempDir(), "model.safetensors")
	m, err = Convert(reftest.Path("vqgan"), "", conv, false)
	if err != nil {
		t.Fatal(err)
	}
	m, err = Open(conv, "")
	if err != nil {
		t.Fatal(err)
	}
	dir, back := export(t, m, ExportOptions{})
	lc = exportedConfig(t, dir)["params"].(map[string]any)["lossconfig"].(map[string]any)
	if lc["target"] != targetDummyLoss || len(lc) != 1 {
		t.Errorf("lossconfig %v, want a DummyLoss", lc)
	}
	if extra := sameTensors(t, readAll(t, back.WeightsPath), readAll(t, conv)); len(extra) > 0 {
		t.Errorf("export adds %v", extra)
	}
}

// A converted Net2Net file lacks minGPT's mask buffers, which taming's
// strict load needs: the export makes them as minGPT does.
func TestExportMakesTheAttentionMasks(t *testing.T) {
	conv := filepath.Join(t.TempDir(), "cin.safetensors")
	if _, err := Convert(reftest.Path("cin_transformer"), "", conv, false); err != nil {
		t.Fatal(err)
	}
	m, err := Open(conv, "")
	if err != nil {
		t.Fatal(err)
	}
	_, back := export(t, m, ExportOptions{})
	extra := sameTensors(t, readAll(t, back.WeightsPath), readAll(t, conv))
	if !slices.Equal(extra, []string{"transformer.blocks.0.attn.mask", "transformer.blocks.1.attn.mask"}) {
		t.Fatalf("export adds %v", extra)
	}
	fixture := readAll(t, fixtureCheckpoint("cin_transformer"))
	sameTensors(t, readAll(t, back.WeightsPath), map[string]*ckpt.Data{
		"transformer.blocks.1.attn.mask": fixture["transformer.blocks.1.attn.mask"],
	})
}

// A Tessera first stage over one-hot label maps becomes taming's
// VQSegmentationModel, with the colorize buffer that class registers.
func TestExportSegmentationModel(t *testing.T) {
	seg := openFixture(t, "seg_transformer")
	tensors := map[string]*ckpt.Data{}
	for k, v := range readAll(t, seg.WeightsPath) {
		if rest, ok := strings.CutPrefix(k, "cond_stage_model."); ok {
			tensors[rest] = v
		}
	}
	path := filepath.Join(t.TempDir(), "seg.safetensors")
	writeTessera(t, path, &Spec{Kind: KindVQGAN, FirstStage: *seg.Spec.CondStage}, tensors, nil)
	m, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	dir, back := export(t, m, ExportOptions{})
	cfg := exportedConfig(t, dir)
	params := cfg["params"].(map[string]any)
	if cfg["target"] != targetSegVQ || params["n_labels"] != 5 ||
		params["lossconfig"].(map[string]any)["target"] != targetBCEQuant {
		t.Errorf("config %v", cfg)
	}
	got := readAll(t, back.WeightsPath)
	if extra := sameTensors(t, got, tensors); !slices.Equal(extra, []string{"colorize"}) || !slices.Equal(got["colorize"].Shape, []int{3, 5, 1, 1}) {
		t.Errorf("export adds %v", extra)
	}
}

func TestExportRefuses(t *testing.T) {
	m := openFixture(t, "vqgan")
	err := Export(m, filepath.Join(t.TempDir(), "x"), ExportOptions{})
	if err == nil || !strings.Contains(err.Error(), "no LPIPS weights (loss.perceptual_loss.*)") {
		t.Errorf("a discriminator without LPIPS: %v", err)
	}
	for _, dir := range []string{reftest.Path("vqgan"), filepath.Dir(m.WeightsPath)} {
		if err := Export(m, dir, ExportOptions{LPIPS: fixtureCheckpoint("vqgan_lpips")}); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("export into %s: %v", dir, err)
		}
	}
	err = Export(m, filepath.Join(t.TempDir(), "y"), ExportOptions{LPIPS: fixtureCheckpoint("cin_transformer")})
	if err == nil || !strings.Contains(err.Error(), "LPIPS weight loss.perceptual_loss.lin0.model.1.weight is missing") {
		t.Errorf("LPIPS from a file without it: %v", err)
	}
}

// The parameter lists that number the optimizer states hold exactly the
// trained parameters the loaders read, each once. (Their order is
// taming's; scripts/bench/check_export.py --moments-are-weights checks
// that against the PyTorch modules.)
func TestExportParameterOrders(t *testing.T) {
	tiny := openFixture(t, "cin_transformer").Spec
	deep := tiny
	deep.FirstStage.DD.ChMult = []int{1, 2, 2, 4}
	deep.FirstStage.DD.NumResBlocks = 2
	deep.FirstStage.DD.AttnResolutions = []int{16, 4}
	gumbel := tiny
	gumbel.FirstStage.Quantizer, gumbel.FirstStage.EmbedDim = "gumbel", gumbel.FirstStage.DD.ZChannels
	for i, spec := range []Spec{tiny, deep, gumbel} {
		got := map[string]*ckpt.Data{}
		if _, err := Build(&spec, &recorder{Source: weights.Random{Seed: 1}, got: got}); err != nil {
			t.Fatal(err)
		}
		var fs, tr []string
		for k := range got {
			if rest, ok := strings.CutPrefix(k, "first_stage_model."); ok {
				fs = append(fs, rest)
			} else if !strings.HasSuffix(k, "attn.mask") {
				tr = append(tr, k)
			}
		}
		if order := vqParamOrder(spec.FirstStage, ""); !sameSet(order, fs) {
			t.Errorf("spec %d: first-stage order %d keys, the loader reads %d", i, len(order), len(fs))
		}
		decay, noDecay := gptParamGroups(*spec.Transformer)
		if !sameSet(append(decay, noDecay...), tr) || !slices.IsSorted(decay) || !slices.IsSorted(noDecay) {
			t.Errorf("spec %d: GPT groups %d + %d keys, the loader reads %d", i, len(decay), len(noDecay), len(tr))
		}
	}
	for _, d := range []discShape{{layers: 2, ndf: 8, in: 3}, {layers: 3, ndf: 64, in: 1, actnorm: true}} {
		var params []string
		for k := range d.shapes() {
			if !strings.Contains(k, "running_") && !strings.HasSuffix(k, "num_batches_tracked") && !strings.HasSuffix(k, "initialized") {
				params = append(params, "loss.discriminator.main."+k)
			}
		}
		order := d.paramOrder()
		if !sameSet(order, params) || order[0] != "loss.discriminator.main.0.weight" || order[len(order)-1] != "loss.discriminator.main."+strconv.Itoa(3*d.layers+2)+".bias" {
			t.Errorf("discriminator %+v: order %v", d, order)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b) && len(slices.Compact(a)) == len(b)
}

// With the trainer's Adam state for every optimizer taming makes, the
// export carries it (the file grows by the moments); with part of it, the
// export refuses rather than guess.
func TestExportOptimizerStates(t *testing.T) {
	orig := openFixture(t, "vqgan_lpips")
	tensors := readAll(t, orig.WeightsPath)
	plain := filepath.Join(t.TempDir(), "plain.safetensors")
	writeTessera(t, plain, &orig.Spec, tensors, nil)
	var moments int64
	for _, k := range append(vqParamOrder(orig.Spec.FirstStage, ""), discShape{layers: 2, ndf: 8, in: 3}.paramOrder()...) {
		name := "ae"
		if strings.HasPrefix(k, "loss.") {
			name = "disc"
		}
		n := len(tensors[k].F32)
		for _, part := range []string{".m.", ".v."} {
			tensors[stateOpt+name+part+k] = &ckpt.Data{Shape: []int{n}, F32: make([]float32, n)}
		}
		moments += int64(8 * n)
	}
	meta := map[string]string{metaOptim + "ae.steps": "3", metaOptim + "disc.steps": "3"}
	withState := filepath.Join(t.TempDir(), "state.safetensors")
	writeTessera(t, withState, &orig.Spec, tensors, meta)
	size := func(path string) int64 {
		m, err := Open(path, "")
		if err != nil {
			t.Fatal(err)
		}
		dir, _ := export(t, m, ExportOptions{})
		st, err := os.Stat(filepath.Join(dir, "checkpoints", "last.ckpt"))
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	if grown := size(withState) - size(plain); grown < moments || grown > moments+256<<10 {
		t.Errorf("the optimizer states add %d bytes, the moments are %d", grown, moments)
	}

	delete(tensors, stateOpt+"disc.v.loss.discriminator.main.3.bias")
	writeTessera(t, withState, &orig.Spec, tensors, meta)
	m, err := Open(withState, "")
	if err != nil {
		t.Fatal(err)
	}
	err = Export(m, filepath.Join(t.TempDir(), "x"), ExportOptions{})
	if err == nil || !strings.Contains(err.Error(), "no train.opt.disc.v.loss.discriminator.main.3.bias") {
		t.Errorf("a missing moment: %v", err)
	}
}
