package main

import (
	"flag"
	"fmt"

	"tessera/engine/model"
	"tessera/engine/vqgan"
)

// modelFlags are the flags every model-using command shares.
type modelFlags struct {
	path, config string
}

func addModelFlags(fs *flag.FlagSet) *modelFlags {
	m := &modelFlags{}
	fs.StringVar(&m.path, "model", "", "model: a taming log directory, a .ckpt (config beside it or --config), a Tessera .safetensors `PATH`, or builtin:NAME (default: the built-in landscape model, "+model.DefaultModel+")")
	fs.StringVar(&m.config, "config", "", "taming YAML `FILE` for a .ckpt whose config is not beside it")
	return m
}

// open opens a model that tokenizes images: a first stage, or a
// transformer with its stages.
func (m *modelFlags) open() (*model.Model, error) {
	return m.openCodebook(model.Open)
}

// openFirstStage opens a model as open does, but builds only the given
// parts of its first stage: for commands that encode or decode and never
// sample.
func (m *modelFlags) openFirstStage(parts vqgan.Parts) (*model.Model, error) {
	return m.openCodebook(func(path, config string) (*model.Model, error) {
		return model.OpenFirstStage(path, config, parts)
	})
}

// openCodebook opens a model with openFn and refuses a pixel classifier.
func (m *modelFlags) openCodebook(openFn func(path, config string) (*model.Model, error)) (*model.Model, error) {
	mod, err := m.openWith(openFn)
	if err == nil && mod.Classifier != nil {
		return nil, fmt.Errorf("%s is a pixel classifier: it labels images (tessera landscape --classify) and has no codebook", m.path)
	}
	return mod, err
}

// openAny opens any model, a pixel classifier too; with no --model, the
// built-in default.
func (m *modelFlags) openAny() (*model.Model, error) { return m.openWith(model.Open) }

func (m *modelFlags) openWith(openFn func(path, config string) (*model.Model, error)) (*model.Model, error) {
	if err := m.orDefault(model.DefaultModel); err != nil {
		return nil, err
	}
	return openFn(m.path, m.config)
}

// orDefault names the built-in model def when no --model was given.
func (m *modelFlags) orDefault(def string) error {
	if m.path != "" {
		return nil
	}
	if !model.HasBuiltin(def) {
		return usagef("--model is required: this build has no built-in %s", def)
	}
	m.path = def
	return nil
}
