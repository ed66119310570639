package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"tessera/ui/view"
)

// actionLog stands in for the Editor's document actions: it wraps the
// real view in the Editor's tab and notes which actions reach it.
type actionLog struct {
	view.View
	calls []string
}

func (a *actionLog) Save()   { a.calls = append(a.calls, "save") }
func (a *actionLog) Export() { a.calls = append(a.calls, "export") }
func (a *actionLog) Undo()   { a.calls = append(a.calls, "undo") }
func (a *actionLog) Redo()   { a.calls = append(a.calls, "redo") }

// withActionLog puts an actionLog in the Editor's tab.
func withActionLog(v *MainView) *actionLog {
	log := &actionLog{View: v.views[1].v}
	view.Sync(func() {
		v.views[1].v = log
		v.menu.refresh(v)
	})
	return log
}

// editShortcuts are the document shortcuts and the action each should run.
var editShortcuts = []struct {
	s    fyne.Shortcut
	want string
}{
	{saveShortcut, "save"},
	{exportShortcut, "export"},
	{undoShortcut, "undo"},
	{redoShortcut, "redo"},      // Ctrl+Y
	{redoShiftShortcut, "redo"}, // Ctrl+Shift+Z
}

func TestShortcutsGoToTheSelectedView(t *testing.T) {
	v, _, w := newTestWindow(t)
	log := withActionLog(v)
	selectTab(v, "Editor")
	for _, e := range editShortcuts {
		typeShortcut(w, e.s)
	}
	if len(log.calls) != 0 {
		t.Fatalf("shortcuts reached the Editor before a model was loaded: %v", log.calls)
	}

	loadModel(t, v, "vqgan")
	for _, e := range editShortcuts {
		typeShortcut(w, e.s)
	}
	want := []string{"save", "export", "undo", "redo", "redo"}
	if !slices.Equal(log.calls, want) {
		t.Fatalf("the Editor got %v, want %v", log.calls, want)
	}

	// The Codebook view has no document: nothing reaches the Editor.
	log.calls = nil
	selectTab(v, "Codebook")
	for _, e := range editShortcuts {
		typeShortcut(w, e.s)
	}
	if len(log.calls) != 0 {
		t.Errorf("shortcuts on the Codebook tab reached the Editor: %v", log.calls)
	}
}

func TestEditMenuFollowsTheSelectedView(t *testing.T) {
	v, _, w := newTestWindow(t)
	log := withActionLog(v)
	loadModel(t, v, "vqgan")
	items := func() []*fyne.MenuItem {
		file, edit := menuItems(w, "File"), menuItems(w, "Edit")
		return []*fyne.MenuItem{file["Save Grid…"], file["Export Image…"], edit["Undo"], edit["Redo"]}
	}
	selectTab(v, "Codebook")
	for _, it := range items() {
		if !it.Disabled {
			t.Errorf("%s is enabled on the Codebook tab", it.Label)
		}
	}
	selectTab(v, "Editor")
	var shortcuts []string
	for _, it := range items() {
		if it.Disabled {
			t.Errorf("%s is disabled on the Editor tab", it.Label)
		}
		shortcuts = append(shortcuts, it.Shortcut.ShortcutName())
		view.Sync(it.Action)
	}
	if want := []string{"save", "export", "undo", "redo"}; !slices.Equal(log.calls, want) {
		t.Errorf("menu items ran %v, want %v", log.calls, want)
	}
	wantKeys := []string{saveShortcut.ShortcutName(), exportShortcut.ShortcutName(), "Undo", "Redo"}
	if !slices.Equal(shortcuts, wantKeys) {
		t.Errorf("menu shortcuts %v, want %v", shortcuts, wantKeys)
	}
}
