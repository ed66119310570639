package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// newViewTabs builds one tab per task. Each shows its empty state until the
// view itself is written; a real view replaces its placeholder here.
func newViewTabs(ctrl Controller) *container.AppTabs {
	tab := func(title string, icon fyne.Resource, about string) *container.TabItem {
		return container.NewTabItemWithIcon(title, icon, newEmptyState(icon, about, ctrl))
	}
	return container.NewAppTabs(
		tab("Codebook", theme.GridIcon(), "Browse the VQGAN codebook: every code decoded as a tile."),
		tab("Editor", theme.DocumentCreateIcon(), "Paint token grids and decode them to images."),
		tab("Sample", theme.MediaPlayIcon(), "Sample new token grids with the transformer."),
		tab("Hi-Res", theme.ViewFullScreenIcon(), "Grow images past the model's context with a sliding window."),
		tab("Jobs", theme.ListIcon(), "Running and finished jobs, with progress and cancel."),
	)
}
