package model

import (
	"fmt"
	"strconv"

	"tessera/engine/vqgan"
	"tessera/engine/weights"
)

// checkStructure makes sure, before anything is built, that the weights
// hold the last block of every repeated part the spec's counts call for:
// each level of ch_mult with num_res_blocks resnet blocks in the encoder
// (and one more in the decoder), and n_layer transformer blocks. The
// builders loop over those counts, so a config (or a second config merged
// over it, or a Tessera file's description) asking for a billion blocks
// fails here on the first weight missing, instead of building a billion
// empty blocks first. Only what sc builds is checked.
func checkStructure(spec *Spec, src weights.Source, sc scope) error {
	switch spec.Kind {
	case KindClassifier:
		return checkLevels(src, "", spec.FirstStage.DD, vqgan.AllParts)
	case KindVQGAN:
		return checkLevels(src, "", spec.FirstStage.DD, sc.parts)
	}
	if err := checkLevels(src, "first_stage_model.", spec.FirstStage.DD, sc.parts); err != nil {
		return fmt.Errorf("first stage: %w", err)
	}
	if sc.firstStageOnly {
		return nil
	}
	if t := spec.Transformer; t != nil && t.NLayer > 0 {
		key := "transformer.blocks." + strconv.Itoa(t.NLayer-1) + ".ln1.weight"
		if !src.Has(key) {
			return fmt.Errorf("transformer: %s: missing weight %s: the config's n_layer is %d — does the config match the checkpoint?", src.Name(), key, t.NLayer)
		}
	}
	if spec.Cond != nil && spec.Cond.Kind == CondSpatial && spec.CondStage != nil {
		if err := checkLevels(src, "cond_stage_model.", spec.CondStage.DD, vqgan.AllParts); err != nil {
			return fmt.Errorf("cond stage: %w", err)
		}
	}
	return nil
}

// checkLevels checks a first stage's encoder and decoder under prefix, or
// the one of them that parts names.
func checkLevels(src weights.Source, prefix string, d vqgan.DDConfig, parts vqgan.Parts) error {
	if d.NumResBlocks <= 0 {
		return nil // Validate names the problem
	}
	for i := range d.ChMult {
		level := strconv.Itoa(i)
		var keys []string
		if parts&vqgan.EncoderPart != 0 {
			keys = append(keys, prefix+"encoder.down."+level+".block."+strconv.Itoa(d.NumResBlocks-1)+".conv1.weight")
		}
		if parts&vqgan.DecoderPart != 0 {
			keys = append(keys, prefix+"decoder.up."+level+".block."+strconv.Itoa(d.NumResBlocks)+".conv1.weight")
		}
		for _, key := range keys {
			if !src.Has(key) {
				return fmt.Errorf("%s: missing weight %s: the config's ch_mult has %d levels of num_res_blocks %d — does the config match the checkpoint?",
					src.Name(), key, len(d.ChMult), d.NumResBlocks)
			}
		}
	}
	return nil
}
