// Package assets holds the files embedded in the tessera binary: the app
// icon and the default model set. It is plain bytes, free of Fyne, so any
// package may use it.
package assets

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:generate go run ./gen -o icon.png

// Icon is the application icon: a 512x512 PNG of a tile mosaic, drawn by
// ./gen.
//
//go:embed icon.png
var Icon []byte

// models holds the default model set (models/README.md says what each
// file is); scripts/train-default-model writes it.
//
//go:embed models
var models embed.FS

// Model returns the bytes of the built-in model NAME (models/NAME.safetensors).
func Model(name string) ([]byte, bool) {
	data, err := models.ReadFile(path.Join("models", name+".safetensors"))
	return data, err == nil
}

// Models lists the built-in models' names.
func Models() []string {
	entries, _ := fs.ReadDir(models, "models")
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".safetensors"); ok {
			names = append(names, n)
		}
	}
	return names
}
