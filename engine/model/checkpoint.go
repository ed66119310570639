package model

import (
	"encoding/json"
	"fmt"

	"tessera/engine/ckpt"
	"tessera/engine/weights"
)

// Checkpoint is a model's description with its raw weights, for a trainer
// that builds networks of its own from them (the loss networks included).
type Checkpoint struct {
	Spec        *Spec
	Weights     weights.Source
	File        *ckpt.File // for training state and metadata; closed by Close
	ConfigPaths []string
}

// OpenCheckpoint finds and opens a model as Open does, without building it.
func OpenCheckpoint(path, configPath string) (*Checkpoint, error) {
	weightsPath, configs, err := locate(path, configPath)
	if err != nil {
		return nil, err
	}
	f, err := openWeights(weightsPath)
	if err != nil {
		return nil, err
	}
	src := newFileSource(f)
	spec, configs, err := specFor(f, configs)
	if err == nil {
		err = spec.Validate()
	}
	if err == nil {
		err = checkStructure(spec, src, wholeModel)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Checkpoint{Spec: spec, Weights: src, File: f, ConfigPaths: configs}, nil
}

// Close releases the checkpoint file.
func (c *Checkpoint) Close() error { return c.File.Close() }

// SaveCheckpoint writes a Tessera file like Save, with further metadata
// (a training run's state and settings) beside the model description.
func SaveCheckpoint(out string, spec *Spec, tensors map[string]*ckpt.Data, extra map[string]string) error {
	raw, err := json.Marshal(spec)
	if err != nil {
		return fmt.Errorf("model: %w", err)
	}
	meta := map[string]string{}
	for k, v := range extra {
		meta[k] = v
	}
	meta[metaFormat], meta[metaSpec] = formatV1, string(raw)
	return ckpt.WriteSafetensors(out, tensors, meta)
}

// WeightsOf serves an opened checkpoint's tensors as weights.
func WeightsOf(f *ckpt.File) weights.Source { return newFileSource(f) }
