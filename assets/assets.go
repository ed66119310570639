// Package assets holds the files embedded in the tessera binary: the app
// icon, and later the default model. It is plain bytes, free of Fyne, so any
// package may use it.
package assets

import _ "embed"

//go:generate go run ./gen -o icon.png

// Icon is the application icon: a 512x512 PNG of a tile mosaic, drawn by
// ./gen.
//
//go:embed icon.png
var Icon []byte
