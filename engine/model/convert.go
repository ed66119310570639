package model

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"tessera/engine/ckpt"
	"tessera/engine/weights"
)

// Convert opens a model like Open and writes the weights it uses, with its
// description, as a Tessera safetensors file at out: no optimizer states,
// no training-only networks, and no YAML needed to open it again. With
// half, the floating-point weights are stored as float16.
func Convert(path, configPath, out string, half bool) (*Model, error) {
	if weightsPath, configs, err := locate(path, configPath); err == nil && !IsBuiltin(weightsPath) {
		for _, in := range append([]string{weightsPath}, configs...) {
			if sameFile(in, out) {
				also := ""
				if filepath.Clean(in) != filepath.Clean(out) {
					also = " (" + in + ")"
				}
				return nil, fmt.Errorf("model: %s is one of the model's own files%s: converting would overwrite what it reads; write to another file", out, also)
			}
		}
	}
	got := map[string]*ckpt.Data{}
	m, err := open(path, configPath, wholeModel, func(s weights.Source) weights.Source { return &recorder{Source: s, got: got} })
	if err != nil {
		return nil, err
	}
	for _, d := range got {
		d.Half = half && d.F32 != nil
	}
	if err := Save(out, &m.Spec, got); err != nil {
		return nil, err
	}
	return m, nil
}

// Save writes tensors keyed like taming's checkpoints and the spec that
// describes them as a Tessera safetensors file.
func Save(out string, spec *Spec, tensors map[string]*ckpt.Data) error {
	raw, err := json.Marshal(spec)
	if err != nil {
		return fmt.Errorf("model: %w", err)
	}
	meta := map[string]string{metaFormat: formatV1, metaSpec: string(raw)}
	return ckpt.WriteSafetensors(out, tensors, meta)
}

// recorder passes reads through and keeps what was read, so exactly the
// weights a model uses can be written out.
type recorder struct {
	weights.Source
	got map[string]*ckpt.Data
}

func (r *recorder) Float32(key string, shape []int) ([]float32, error) {
	v, err := r.Source.Float32(key, shape)
	if err == nil {
		r.got[key] = &ckpt.Data{Shape: shape, F32: v}
	}
	return v, err
}

func (r *recorder) Int64(key string) ([]int64, []int, error) {
	v, shape, err := r.Source.Int64(key)
	if err == nil {
		r.got[key] = &ckpt.Data{Shape: shape, I64: v}
	}
	return v, shape, err
}

// sameFile reports whether a and b name one file: the same absolute path,
// or two paths to one existing file.
func sameFile(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == ab {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}
