package ui

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"tessera/engine/model"
)

// The studio's shortcuts (Ctrl is Cmd on macOS). Undo and redo use Fyne's
// own shortcut types: the desktop driver turns Ctrl+Z and Ctrl+Y into them.
var (
	openModelShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	saveShortcut      = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	exportShortcut    = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
	undoShortcut      = &fyne.ShortcutUndo{}
	redoShortcut      = &fyne.ShortcutRedo{}
	redoShiftShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	quitShortcut      = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	// Ctrl+Enter runs the view's main action; the keypad's Enter does too.
	runShortcut       = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	runKeypadShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyEnter, Modifier: fyne.KeyModifierShortcutDefault}
)

// tabShortcut is Ctrl+N for the Nth view (from 1) in tab order.
func tabShortcut(n int) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: fyne.KeyName(rune('0' + n)), Modifier: fyne.KeyModifierShortcutDefault}
}

// Menu item labels, shared with the tests.
const (
	recentText   = "Open Recent"
	clearText    = "Clear Recent"
	noRecentText = "No recent models"
	cardText     = "Model Card…"
	reopenText   = "Reopen Last Model at Start"
	outputsText  = "Show Outputs Folder"
	historyText  = "History…"
	folderText   = "Open Folder…"
	runText      = "Run (Sample, Start)"
)

// mainMenu is the window's menu bar and the items that change with the
// selected view and the recent models.
type mainMenu struct {
	bar                      *fyne.MainMenu
	builtin, recent          *fyne.MenuItem
	gettingStarted           *fyne.MenuItem
	card, reopen             *fyne.MenuItem
	save, export, undo, redo *fyne.MenuItem
	outputs, history         *fyne.MenuItem
	run                      *fyne.MenuItem
}

func newMainMenu(v *MainView) *mainMenu {
	ctrl := v.env.Ctrl
	m := &mainMenu{
		builtin: fyne.NewMenuItem(builtinMenuText, nil),
		recent:  fyne.NewMenuItem(recentText, nil),
		card:    fyne.NewMenuItem(cardText, v.showModelCard),
		save:    fyne.NewMenuItem("Save Grid…", func() { v.withActions(editorActions.Save) }),
		export:  fyne.NewMenuItem("Export Image…", func() { v.withActions(editorActions.Export) }),
		undo:    fyne.NewMenuItem("Undo", func() { v.undoRedo(undoShortcut, editorActions.Undo) }),
		redo:    fyne.NewMenuItem("Redo", func() { v.undoRedo(redoShortcut, editorActions.Redo) }),
	}
	m.outputs = fyne.NewMenuItem(outputsText, v.showOutputs)
	m.history = fyne.NewMenuItem(historyText, func() {
		if v.env.ShowHistory != nil {
			v.env.ShowHistory()
		}
	})
	m.gettingStarted = fyne.NewMenuItem(gettingStarted, v.showGettingStarted)
	m.reopen = fyne.NewMenuItem(reopenText, func() {
		setReopenLast(!reopenLast())
		m.refresh(v)
	})
	m.save.Shortcut, m.export.Shortcut = saveShortcut, exportShortcut
	m.undo.Shortcut, m.redo.Shortcut = undoShortcut, redoShortcut
	open := fyne.NewMenuItem(openModelText, ctrl.OpenModel)
	open.Shortcut = openModelShortcut
	folder := fyne.NewMenuItem(folderText, v.openFolder)
	quit := fyne.NewMenuItem("Quit", ctrl.Quit)
	quit.IsQuit = true
	quit.Shortcut = quitShortcut
	m.bar = fyne.NewMainMenu(
		fyne.NewMenu("File", open, folder, m.builtin, m.recent, fyne.NewMenuItemSeparator(), m.save, m.export, fyne.NewMenuItemSeparator(), m.history, m.outputs, fyne.NewMenuItemSeparator(), quit),
		fyne.NewMenu("Edit", m.undo, m.redo),
		m.viewMenu(v),
		fyne.NewMenu("Model", m.card, fyne.NewMenuItemSeparator(), m.reopen),
		fyne.NewMenu("Help", m.gettingStarted),
	)
	m.refresh(v)
	return m
}

// refresh brings the items up to date: the built-in and recent models, the
// reopen preference, what the selected view can do and whether there is a
// card.
func (m *mainMenu) refresh(v *MainView) {
	m.refreshBuiltins(v)
	var items []*fyne.MenuItem
	for _, p := range recentModels() {
		items = append(items, fyne.NewMenuItem(recentLabel(p), func() { v.LoadModel(p) }))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem(noRecentText, nil)
		none.Disabled = true
		items = append(items, none)
	} else {
		items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(clearText, func() {
			clearRecentModels()
			m.refresh(v)
		}))
	}
	m.recent.ChildMenu = fyne.NewMenu("", items...)
	m.reopen.Checked = reopenLast()
	_, card := v.env.Session.Model()
	m.card.Disabled = card == nil
	m.outputs.Disabled = v.env.Outputs == nil
	m.history.Disabled = v.env.ShowHistory == nil
	_, ok := v.actions()
	for _, it := range []*fyne.MenuItem{m.save, m.export, m.undo, m.redo} {
		it.Disabled = !ok
	}
	m.run.Disabled = v.primary() == nil
	m.bar.Refresh()
}

// viewMenu lists the views, Ctrl+1 to Ctrl+6 in tab order, and the
// selected view's main action (Ctrl+Enter).
func (m *mainMenu) viewMenu(v *MainView) *fyne.Menu {
	m.run = fyne.NewMenuItem(runText, v.runPrimary)
	m.run.Shortcut = runShortcut
	items := []*fyne.MenuItem{m.run, fyne.NewMenuItemSeparator()}
	for i, t := range v.views {
		it := fyne.NewMenuItem(t.v.Title(), func() { v.tabs.SelectIndex(i) })
		it.Shortcut = tabShortcut(i + 1)
		items = append(items, it)
	}
	return fyne.NewMenu("View", items...)
}

// refreshBuiltins lists the built-in models, the one in use checked; the
// item is greyed out when the binary has none.
func (m *mainMenu) refreshBuiltins(v *MainView) {
	var items []*fyne.MenuItem
	for _, b := range v.builtins.items() {
		it := fyne.NewMenuItem(b.label, func() { v.LoadModel(b.path) })
		it.Checked = sameModel(b.path, v.modelPath)
		items = append(items, it)
	}
	m.builtin.Disabled = len(items) == 0
	if len(items) == 0 {
		none := fyne.NewMenuItem(noBuiltinText, nil)
		none.Disabled = true
		items = append(items, none)
	}
	m.builtin.ChildMenu = fyne.NewMenu("", items...)
	m.gettingStarted.Disabled = v.builtins.welcomeModel() == ""
}

// recentLabel puts a model's name before its directory, so the menu reads
// by name even when the paths are long. A checkpoint of a taming run
// (RUN/checkpoints/last.ckpt) is named by its run, "RUN (last.ckpt)": every
// run's checkpoint is called last.ckpt.
func recentLabel(path string) string {
	if model.IsBuiltin(path) {
		return builtinName(path) + " — built-in"
	}
	dir, file := filepath.Split(filepath.Clean(path))
	dir = filepath.Clean(dir)
	if filepath.Base(dir) == "checkpoints" {
		run := filepath.Dir(dir)
		return filepath.Base(run) + " (" + file + ") — " + filepath.Dir(run)
	}
	return file + " — " + dir
}

// openFolder asks for a model's folder (a taming log directory, or a
// folder holding a checkpoint and its YAML) and opens it.
func (v *MainView) openFolder() {
	v.env.Ctrl.PickFolder("Open a Model Folder", func(dir string) {
		if dir != "" {
			v.LoadModel(dir)
		}
	})
}

// addShortcuts makes the shortcuts work where the menu bar does not catch
// them (Fyne's menu bar only runs its items' shortcuts in some drivers).
func (v *MainView) addShortcuts(c fyne.Canvas) {
	c.AddShortcut(openModelShortcut, func(fyne.Shortcut) { v.env.Ctrl.OpenModel() })
	c.AddShortcut(saveShortcut, func(fyne.Shortcut) { v.withActions(editorActions.Save) })
	c.AddShortcut(exportShortcut, func(fyne.Shortcut) { v.withActions(editorActions.Export) })
	c.AddShortcut(undoShortcut, func(fyne.Shortcut) { v.undoRedo(undoShortcut, editorActions.Undo) })
	redo := func(fyne.Shortcut) { v.undoRedo(redoShortcut, editorActions.Redo) }
	c.AddShortcut(redoShortcut, redo)
	c.AddShortcut(redoShiftShortcut, redo)
	c.AddShortcut(quitShortcut, func(fyne.Shortcut) { v.env.Ctrl.Quit() })
	c.AddShortcut(runShortcut, func(fyne.Shortcut) { v.runPrimary() })
	c.AddShortcut(runKeypadShortcut, func(fyne.Shortcut) { v.runPrimary() })
	for i := range v.views {
		c.AddShortcut(tabShortcut(i+1), func(fyne.Shortcut) { v.tabs.SelectIndex(i) })
	}
}
