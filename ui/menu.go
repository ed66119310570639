package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// openModelShortcut is Ctrl+O (Cmd+O on macOS).
var openModelShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}

// newMainMenu builds the window's menu bar.
func newMainMenu(ctrl Controller) *fyne.MainMenu {
	open := fyne.NewMenuItem(openModelText, ctrl.OpenModel)
	open.Shortcut = openModelShortcut
	quit := fyne.NewMenuItem("Quit", ctrl.Quit)
	quit.IsQuit = true
	return fyne.NewMainMenu(fyne.NewMenu("File", open, fyne.NewMenuItemSeparator(), quit))
}
