package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"tessera/assets"
	"tessera/engine/ckpt"
)

// BuiltinPrefix marks a model that ships inside the binary, as in
// "builtin:landscape" (see assets/models).
const BuiltinPrefix = "builtin:"

// The default model set, trained by scripts/train-default-model.
const (
	// DefaultModel paints: the segmentation-conditioned transformer with
	// its first stage and cond stage. Commands and the studio open it when
	// no model is named.
	DefaultModel = BuiltinPrefix + "landscape"
	// DefaultScenes is the class-conditional transformer over the scene
	// types, for samples from a class (or from nothing).
	DefaultScenes = BuiltinPrefix + "landscape-scenes"
	// DefaultClassifier labels images with the landscapes' labels.
	DefaultClassifier = BuiltinPrefix + "landscape-classifier"
)

// builtinBytes finds a built-in model's file; tests replace it.
var builtinBytes = assets.Model

// IsBuiltin reports whether path names a built-in model.
func IsBuiltin(path string) bool { return strings.HasPrefix(path, BuiltinPrefix) }

// HasBuiltin reports whether the binary holds the built-in model path.
func HasBuiltin(path string) bool {
	_, ok := builtinBytes(strings.TrimPrefix(path, BuiltinPrefix))
	return IsBuiltin(path) && ok
}

// openWeights opens a checkpoint file, or a built-in model's bytes.
func openWeights(path string) (*ckpt.File, error) {
	if !IsBuiltin(path) {
		return ckpt.Open(path)
	}
	data, ok := builtinBytes(strings.TrimPrefix(path, BuiltinPrefix))
	if !ok {
		return nil, fmt.Errorf("model: this build has no built-in model %q (it has %v)", path, builtinNames())
	}
	return ckpt.OpenBytes(path, data)
}

func builtinNames() []string {
	names := assets.Models()
	for i, n := range names {
		names[i] = BuiltinPrefix + n
	}
	return names
}

// fileSHA256 is the SHA-256 of a weights file or a built-in model.
func fileSHA256(path string) (string, error) {
	if !IsBuiltin(path) {
		return ckpt.SHA256(path)
	}
	data, ok := builtinBytes(strings.TrimPrefix(path, BuiltinPrefix))
	if !ok {
		return "", fmt.Errorf("model: no built-in model %q", path)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}
