package ui

import (
	"fmt"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Texts of the missing-config dialog, shared with the tests.
const (
	chooseConfigText  = "Choose config…"
	chooseConfigTitle = "Choose the model's config"
)

// prefModelConfigs keeps the configs chosen for checkpoints that have none
// beside them, as pairs: checkpoint, config (absolute paths).
const prefModelConfigs = "models.configs"

// askConfig says that the checkpoint at path has no config beside it and
// offers a YAML picker; the chosen config opens it, then then runs.
func (v *MainView) askConfig(path string, then func()) {
	msg := widget.NewLabel(fmt.Sprintf("%s has no config: no .yaml beside it or in ../configs.\nChoose the YAML it was trained with (a taming run keeps it in configs/).", path))
	dialog.NewCustomConfirm("No config for this checkpoint", chooseConfigText, "Cancel", msg, func(choose bool) {
		if !choose {
			return
		}
		v.env.Ctrl.PickFile(chooseConfigTitle, []string{"yaml", "yml"}, func(config string) {
			if config != "" {
				v.openWith(path, config, then)
			}
		})
	}, v.env.Window).Show()
}

// rememberedConfig is the config chosen when path was last opened, or "".
func rememberedConfig(path string) string {
	pairs := prefs().StringList(prefModelConfigs)
	path = absPath(path)
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == path {
			return pairs[i+1]
		}
	}
	return ""
}

// rememberConfig keeps the config path opened with ("" for one found
// beside it), so Open Recent opens it the same way. Only the recent
// models' configs are kept.
func rememberConfig(path, config string) {
	path = absPath(path)
	var pairs []string
	if config != "" {
		pairs = []string{path, absPath(config)}
	}
	for _, p := range recentModels() {
		if c := rememberedConfig(p); p != path && c != "" {
			pairs = append(pairs, p, c)
		}
	}
	prefs().SetStringList(prefModelConfigs, pairs)
}
