package main

import (
	"flag"
	"fmt"

	"tessera/engine/model"
)

// modelFlags are the flags every model-using command shares.
type modelFlags struct {
	path, config string
}

func addModelFlags(fs *flag.FlagSet) *modelFlags {
	m := &modelFlags{}
	fs.StringVar(&m.path, "model", "", "model: a taming log directory, a .ckpt (config beside it or --config) or a Tessera .safetensors `PATH`")
	fs.StringVar(&m.config, "config", "", "taming YAML `FILE` for a .ckpt whose config is not beside it")
	return m
}

// open opens a model that tokenizes images: a first stage, or a
// transformer with its stages.
func (m *modelFlags) open() (*model.Model, error) {
	mod, err := m.openAny()
	if err == nil && mod.Classifier != nil {
		return nil, fmt.Errorf("%s is a pixel classifier: it labels images (tessera landscape --classify) and has no codebook", m.path)
	}
	return mod, err
}

// openAny opens any model, a pixel classifier too.
func (m *modelFlags) openAny() (*model.Model, error) {
	if m.path == "" {
		return nil, usagef("--model is required")
	}
	return model.Open(m.path, m.config)
}
