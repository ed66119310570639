package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand"
	"runtime"
	"slices"
	"time"

	"tessera/engine/gpt"
	"tessera/engine/nn"
	"tessera/engine/sample"
	"tessera/engine/tokens"
	"tessera/engine/train"
	"tessera/engine/vqgan"
	"tessera/engine/weights"
)

func init() {
	register(command{
		name:    "bench",
		args:    "--workload NAME [--threads N] [--repeat R] [--positions N] [--stride S] [--seed S]",
		summary: "time one speed workload on random weights (the Tessera side of scripts/bench-compare)",
		run:     runBench,
	})
}

// The workloads match scripts/bench/torch_side.py: the f16 ImageNet VQGAN
// and a 12-layer, 8-head, 512-wide GPT with vocabulary 1024 and block 512.
var (
	benchVQ = vqgan.Config{
		DD: vqgan.DDConfig{Ch: 128, OutCh: 3, ChMult: []int{1, 1, 2, 2, 4}, NumResBlocks: 2, AttnResolutions: []int{16},
			InChannels: 3, Resolution: 256, ZChannels: 256},
		NEmbed: 1024, EmbedDim: 256, Quantizer: vqgan.VectorQuantizer, Beta: 0.25,
	}
	benchGPT = gpt.Config{VocabSize: 1024, BlockSize: 512, NLayer: 12, NHead: 8, NEmbd: 512}
	// benchFilter is top-k 100 at temperature 1, the taming demos' setting.
	benchFilter = sample.Filter{TopK: 100, Temperature: 1}
)

type benchResult struct {
	Workload string         `json:"workload"`
	Side     string         `json:"side"`
	Seconds  float64        `json:"seconds"`
	Runs     []float64      `json:"runs"`
	Threads  int            `json:"threads"`
	Extra    map[string]any `json:"extra"`
}

func runBench(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", stderr)
	workload := fs.String("workload", "", "encode256, decode256, gpt_sample, sliding_window, train_vqgan or train_gpt")
	threads := fs.Int("threads", runtime.NumCPU(), "cores to use")
	repeat := fs.Int("repeat", 3, "timed runs after one warm-up")
	positions := fs.Int("positions", 1024, "sliding_window: sample only the first N of the 32x32 positions")
	seed := fs.Int64("seed", 0, "seed for inputs and draws")
	stride := fs.Int("stride", 1, "sliding_window: columns the window advances at a time (1 is the published loop)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *threads < 1 || *threads > 4*runtime.NumCPU() {
		return usagef("--threads %d: give 1 to %d", *threads, 4*runtime.NumCPU())
	}
	if *repeat < 1 || *positions < 1 || *positions > 1024 || *stride < 1 || *stride > 8 {
		return usagef("--repeat must be positive, --positions within 1..1024 and --stride within 1..8")
	}
	runtime.GOMAXPROCS(*threads)
	rng := rand.New(rand.NewSource(*seed))
	var (
		run   func() error
		extra = map[string]any{}
		err   error
	)
	switch *workload {
	case "encode256", "decode256":
		run, err = benchVQGAN(*workload, rng)
	case "gpt_sample":
		run, err = benchSample(rng, *seed)
		extra["cond_tokens"], extra["sampled_tokens"], extra["top_k"] = 256, 256, benchFilter.TopK
	case "sliding_window":
		run, err = benchSliding(rng, *seed, *positions, *stride)
		extra["grid"], extra["window"], extra["positions"], extra["stride"] = []int{32, 32}, 16, *positions, *stride
	case "train_vqgan", "train_gpt":
		var more map[string]any
		run, more, err = train.BenchmarkStep(*workload, *seed)
		maps.Copy(extra, more)
	default:
		return usagef("unknown workload %q", *workload)
	}
	if err != nil {
		return err
	}
	if err := run(); err != nil { // warm-up
		return err
	}
	res := benchResult{Workload: *workload, Side: "tessera", Threads: *threads, Extra: extra}
	for i := 0; i < *repeat; i++ {
		start := time.Now()
		if err := run(); err != nil {
			return err
		}
		res.Runs = append(res.Runs, time.Since(start).Seconds())
	}
	sorted := slices.Sorted(slices.Values(res.Runs))
	res.Seconds = sorted[len(sorted)/2]
	switch *workload {
	case "gpt_sample":
		extra["tokens_per_s"] = 256 / res.Seconds
	case "train_vqgan":
		extra["images_per_s"] = float64(extra["batch"].(int)) / res.Seconds
	case "train_gpt":
		extra["tokens_per_s"] = float64(extra["batch"].(int)*256) / res.Seconds
	case "sliding_window":
		extra["per_position"] = res.Seconds / float64(*positions)
		extra["extrapolated_total"] = res.Seconds / float64(*positions) * 1024
	}
	return json.NewEncoder(stdout).Encode(res)
}

func benchVQGAN(workload string, rng *rand.Rand) (func() error, error) {
	m, err := vqgan.Load(weights.Random{Seed: 1}, "", benchVQ)
	if err != nil {
		return nil, err
	}
	if workload == "encode256" {
		x := nn.New(1, 3, 256, 256)
		for i, d := 0, nn.Data(x); i < len(d); i++ {
			d[i] = rng.Float32()*2 - 1
		}
		return func() error { _, err := m.Encode(x, nil); return err }, nil
	}
	codes := make([]int, 16*16)
	for i := range codes {
		codes[i] = rng.Intn(benchVQ.NEmbed)
	}
	zq, err := m.Quantizer.Embed(codes, 1, 16, 16)
	if err != nil {
		return nil, err
	}
	return func() error {
		img, err := m.Decode(zq, nil)
		nn.Recycle(img)
		return err
	}, nil
}

func benchGPTModel() (*gpt.Model, error) { return gpt.Load(weights.Random{Seed: 1}, "", benchGPT) }

// benchSample feeds 256 random conditioning tokens, then samples 256 tokens
// one by one through the key/value cache, as taming's sample_with_past does.
func benchSample(rng *rand.Rand, seed int64) (func() error, error) {
	m, err := benchGPTModel()
	if err != nil {
		return nil, err
	}
	cond := make([]int, 256)
	for i := range cond {
		cond[i] = rng.Intn(benchGPT.VocabSize)
	}
	return func() error {
		cache := m.NewCache(1, 512)
		logits, err := m.Forward(cache, cond, len(cond), []int{len(cond) - 1})
		for step := 0; step < 256 && err == nil; step++ {
			benchFilter.Apply(logits)
			tok := sample.Draw(logits, sample.Uniform(seed, 0, step))
			if step < 255 {
				logits, err = m.Forward(cache, []int{tok}, 1, nil)
			}
		}
		return err
	}, nil
}

// benchSliding samples the first positions of a 32x32 grid conditioned on a
// random 32x32 token grid, with the published sliding-window placement
// (or a coarser stride).
func benchSliding(rng *rand.Rand, seed int64, positions, stride int) (func() error, error) {
	m, err := benchGPTModel()
	if err != nil {
		return nil, err
	}
	cond := tokens.New(32, 32)
	for i := range cond.Codes {
		cond.Codes[i] = rng.Intn(benchGPT.VocabSize)
	}
	s := sample.New(m, sample.Cond{Grid: &cond})
	if s.Window() != 16 {
		return nil, fmt.Errorf("bench: window %d, want 16", s.Window())
	}
	mask := tokens.NewMask(32, 32)
	for p := 0; p < positions; p++ {
		mask.Set(p%32, p/32, true)
	}
	start := []tokens.Grid{tokens.New(32, 32)}
	opt := sample.Options{Filter: benchFilter, Seed: seed, Stride: stride}
	return func() error {
		_, err := s.Resample(context.Background(), start, mask, opt)
		return err
	}, nil
}
