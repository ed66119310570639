// Package app is the composition root of the Tessera studio: it builds the
// Fyne app and window, wires the views in package ui to the engine, and is
// the only package that imports fyne.io/fyne/v2/app and the native dialogs
// of github.com/sqweek/dialog.
package app

import (
	"fyne.io/fyne/v2"

	"tessera/assets"
)

// The studio's identity. FyneApp.toml says the same for the fyne tool; a
// test keeps the two in step.
const (
	ID      = "io.tessera.studio"
	Name    = "Tessera"
	Version = "0.1.0"
)

// metadata is set explicitly because Fyne reads FyneApp.toml only from the
// directory of the executable, which a go-built binary rarely shares.
func metadata() fyne.AppMetadata {
	return fyne.AppMetadata{
		ID:      ID,
		Name:    Name,
		Version: Version,
		Build:   1,
		Icon:    icon(),
		// UI updates from other goroutines go through fyne.Do.
		Migrations: map[string]bool{"fyneDo": true},
	}
}

func icon() fyne.Resource { return fyne.NewStaticResource("icon.png", assets.Icon) }
