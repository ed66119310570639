package history

import (
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2/dialog"

	"tessera/engine/imgio"
	"tessera/engine/outputs"
	"tessera/ui/view"
)

// DeleteTitle heads the question Delete asks, shared with the tests.
const DeleteTitle = "Move to the trash?"

// editable tells whether the model in use can edit e's grid, and if not,
// why: its codes must index a codebook of the same size (files written
// before the size was recorded: the same model).
func (b *Browser) editable(e outputs.Entry) (bool, string) {
	m, card := b.env.Session.Model()
	switch {
	case !e.Tessera():
		return false, ForeignText
	case card == nil:
		return false, "no model is loaded"
	case b.env.SendToEditor == nil:
		return false, "there is no Editor"
	case e.Codebook() > 0 && e.Codebook() != card.CodebookSize:
		return false, fmt.Sprintf("made with a %d-code codebook; the model in use has %d", e.Codebook(), card.CodebookSize)
	case e.Codebook() == 0 && e.Model() != m.WeightsPath:
		return false, fmt.Sprintf("made by %s; open that model to edit it", outputs.ModelName(e.Model()))
	}
	if err := e.Grid.Validate(card.CodebookSize); err != nil {
		return false, err.Error()
	}
	return true, ""
}

// openInEditor decodes the file's image in the background and sends it
// with its grid to the Editor.
func (b *Browser) openInEditor(path string) {
	e := b.entries[path]
	if ok, why := b.editable(e); !ok {
		b.status.Info("Cannot open " + filepath.Base(path) + " in the Editor: " + why + ".")
		return
	}
	go func() {
		img, err := imgio.Decode(path)
		view.Do(func() {
			if err != nil {
				b.status.Fail(err)
				return
			}
			b.env.SendToEditor(e.Grid.Clone(), img, e.Params)
			b.leave()
		})
	}()
}

// reuse hands the file's parameters to the Sample view.
func (b *Browser) reuse(path string) {
	if e, ok := b.entries[path]; ok && e.Tessera() && b.env.ReuseSettings != nil {
		b.env.ReuseSettings(e.Params)
		b.leave()
	}
}

func (b *Browser) leave() {
	if b.OnLeave != nil {
		b.OnLeave()
	}
}

// showFile opens the file's folder.
func (b *Browser) showFile(path string) { b.env.Ctrl.ShowFolder(filepath.Dir(path)) }

// confirmDelete asks, then moves the file to the history's trash folder.
func (b *Browser) confirmDelete(path string) {
	if b.env.Window == nil || b.env.Outputs == nil {
		return
	}
	root := b.env.Outputs.Root
	msg := fmt.Sprintf("Move %s to %s?", filepath.Base(path), filepath.Join(root, ".trash"))
	dialog.NewConfirm(DeleteTitle, msg, func(yes bool) {
		if !yes {
			return
		}
		go func() {
			_, err := outputs.Trash(root, path)
			view.Do(func() {
				if err != nil {
					b.status.Fail(err)
					return
				}
				b.Reload()
			})
		}()
	}, b.env.Window).Show()
}
