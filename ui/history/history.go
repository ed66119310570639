// Package history is the browser of the output history (engine/outputs):
// every result the studio kept, newest first and grouped by day, each with
// a thumbnail loaded in the background and the model, seed, size,
// condition and filters its PNG carries; it opens a result in the Editor,
// reuses its settings in the Sample view, shows its file or moves it to
// the trash. The main view shows it in a dialog (File > History…).
package history

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/outputs"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// Browser lists the output history as a tree: days, then their files.
// UI goroutine only.
type Browser struct {
	env    *view.Env
	status *widgets.StatusLine
	tree   *widget.Tree
	thumbs *thumbs
	body   fyne.CanvasObject

	days    []string                 // newest first
	byDay   map[string][]string      // a day's paths, newest first
	entries map[string]outputs.Entry // by path
	listing int                      // the latest listing's number; older ones are dropped

	// OnLeave, if set, is called when an action took the user to another
	// view (Open in Editor, Reuse settings), so a dialog can close.
	OnLeave func()
}

// New makes a browser of env's output history; Reload fills it.
func New(env *view.Env) *Browser {
	b := &Browser{env: env, status: widgets.NewStatusLine(), byDay: map[string][]string{}, entries: map[string]outputs.Entry{}}
	b.thumbs = newThumbs()
	b.tree = widget.NewTree(b.children, b.isDay, b.create, b.update)
	reload := widget.NewButtonWithIcon(ReloadText, theme.ViewRefreshIcon(), b.Reload)
	folder := widget.NewButtonWithIcon("Show Folder", theme.FolderOpenIcon(), func() {
		if err := widgets.ShowOutputs(env); err != nil {
			b.status.Fail(err)
		}
	})
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(reload, folder), b.status.Content())
	b.body = container.NewBorder(nil, bottom, nil, nil, b.tree)
	return b
}

// ReloadText labels the button that lists the folder again.
const ReloadText = "Reload"

// Content is the tree above a status line.
func (b *Browser) Content() fyne.CanvasObject { return b.body }

// Reload lists the history again, off the UI goroutine.
func (b *Browser) Reload() {
	if b.env.Outputs == nil {
		b.status.Info("The studio keeps no output history.")
		return
	}
	b.listing++
	n, root := b.listing, b.env.Outputs.Root
	b.status.Info("Reading " + root + "…")
	go func() {
		es, err := outputs.List(root)
		view.Do(func() {
			if n != b.listing {
				return
			}
			if err != nil {
				b.status.Fail(err)
				return
			}
			b.show(es)
			b.status.Info(fmt.Sprintf("%d file(s) in %s.", len(es), root))
		})
	}()
}

// show replaces the tree's content with es (newest first).
func (b *Browser) show(es []outputs.Entry) {
	b.days, b.byDay, b.entries = nil, map[string][]string{}, map[string]outputs.Entry{}
	for _, e := range es {
		if _, seen := b.byDay[e.Day]; !seen {
			b.days = append(b.days, e.Day)
		}
		b.byDay[e.Day] = append(b.byDay[e.Day], e.Path)
		b.entries[e.Path] = e
	}
	b.tree.OpenAllBranches()
	b.tree.Refresh()
}

// Paths are the files listed, newest first.
func (b *Browser) Paths() []string {
	var out []string
	for _, d := range b.days {
		out = append(out, b.byDay[d]...)
	}
	return out
}

func (b *Browser) children(id widget.TreeNodeID) []widget.TreeNodeID {
	if id == "" {
		return b.days
	}
	return b.byDay[id]
}

func (b *Browser) isDay(id widget.TreeNodeID) bool {
	_, day := b.byDay[id]
	return id == "" || day
}

func (b *Browser) create(day bool) fyne.CanvasObject {
	if day {
		return widgets.Heading("")
	}
	return newRow(b)
}

func (b *Browser) update(id widget.TreeNodeID, day bool, o fyne.CanvasObject) {
	if day {
		o.(*widget.Label).SetText(fmt.Sprintf("%s (%d)", id, len(b.byDay[id])))
		return
	}
	if e, ok := b.entries[id]; ok {
		o.(*row).show(e)
	}
}
