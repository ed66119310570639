package main

import (
	"flag"

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

func (m *modelFlags) open() (*model.Model, error) {
	if m.path == "" {
		return nil, usagef("--model is required")
	}
	return model.Open(m.path, m.config)
}
