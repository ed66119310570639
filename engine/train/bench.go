package train

import (
	"fmt"
	"math/rand"

	"tessera/engine/data"
	"tessera/engine/gpt"
	"tessera/engine/vqgan"
	"tessera/engine/weights"
)

// The training workloads of scripts/bench-compare, as its PyTorch side
// (scripts/bench/torch_side.py) defines them.
var (
	benchFirstStage = vqgan.Config{
		DD: vqgan.DDConfig{Ch: 64, OutCh: 3, ChMult: []int{1, 2, 2, 4}, NumResBlocks: 1, AttnResolutions: []int{8},
			InChannels: 3, Resolution: 64, ZChannels: 64},
		NEmbed: 512, EmbedDim: 64, Quantizer: vqgan.VectorQuantizer, Beta: 0.25,
	}
	benchTransformer = gpt.Config{VocabSize: 1024, BlockSize: 256, NLayer: 12, NHead: 8, NEmbd: 512}
)

// BenchmarkStep returns one optimisation step of a named training workload
// on random weights and data, for timing:
//   - train_vqgan: the full VQGAN step (generator pass with LPIPS and the
//     adaptive weight, Adam, fresh forward, discriminator pass, Adam) on a
//     batch of 4 64x64 images with a 3-layer discriminator of width 64;
//   - train_gpt: one AdamW step of the Net2Net loss for 4 sequences of 257
//     tokens through a 12-layer, 8-head, 512-wide GPT.
//
// extra describes the workload for the report.
func BenchmarkStep(workload string, seed int64) (step func() error, extra map[string]any, err error) {
	rng := rand.New(rand.NewSource(seed))
	switch workload {
	case "train_vqgan":
		return benchVQGANStep(rng, seed)
	case "train_gpt":
		return benchGPTStep(rng, seed)
	}
	return nil, nil, fmt.Errorf("train: unknown workload %q", workload)
}

func benchVQGANStep(rng *rand.Rand, seed int64) (func() error, map[string]any, error) {
	const batch, size = 4, 64
	loss := DefaultVQGANLoss()
	lp, err := LoadLPIPS(weights.Random{Seed: seed}, "")
	if err != nil {
		return nil, nil, err
	}
	fresh := newFreshInit(seed)
	ae, disc, buffers := NewParams(fresh), NewParams(fresh), NewParams(fresh)
	d := newDiscriminator(discConfig{Layers: loss.DiscLayers, NDF: loss.DiscNDF, InChannels: 3}, disc, buffers)
	obj, err := newVQGANObjective(benchFirstStage, loss, ae, d, lp, batch, size)
	if err != nil {
		return nil, nil, err
	}
	st := &vqganStage{obj: obj, ae: ae, disc: disc, buffers: buffers, optAE: newAdam(4.5e-6 * batch), optD: newAdam(4.5e-6 * batch),
		codebook: newCodebookHealth(benchFirstStage.NEmbed, 0), batch: batch, size: size}
	examples := make([]*data.Example, batch)
	for i := range examples {
		img := make([]float32, 3*size*size)
		for j := range img {
			img[j] = rng.Float32()*2 - 1
		}
		examples[i] = &data.Example{Image: img}
	}
	step := func() error {
		_, err := st.micro(examples, 0, 1, true)
		return err
	}
	return step, map[string]any{"batch": batch, "size": size, "parameters": ae.Count() + disc.Count()}, nil
}

func benchGPTStep(rng *rand.Rand, seed int64) (func() error, map[string]any, error) {
	const batch, condLen, imageLen = 4, 1, 256
	ps := NewParams(gptInit{Seed: seed})
	obj, err := newGPTObjective(ps, benchTransformer, batch, condLen, imageLen)
	if err != nil {
		return nil, nil, err
	}
	markGPTDecay(ps)
	opt := newGPTAdamW(1e-4)
	up := updater{}
	cond, image := make([]int, batch*condLen), make([]int, batch*imageLen)
	for i := range cond {
		cond[i] = rng.Intn(benchTransformer.VocabSize)
	}
	for i := range image {
		image[i] = rng.Intn(benchTransformer.VocabSize)
	}
	step := func() error {
		if _, err := obj.run(cond, image, 1, nil, 1); err != nil {
			return err
		}
		return up.apply(opt, obj.params)
	}
	return step, map[string]any{"batch": batch, "tokens": condLen + imageLen, "parameters": ps.Count()}, nil
}
