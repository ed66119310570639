package ui

import (
	"fmt"
	"image"
	"strings"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/tokens"
	"tessera/ui/view"
)

// Texts of the close confirmation, shared with the tests.
const (
	stopAndCloseText = "Stop and close"
	keepTrainingText = "Keep training"
)

// Texts of the unsaved-changes confirmation, shared with the tests.
const (
	discardTitle = "Discard unsaved changes?"
	discardText  = "Discard changes"
	keepText     = "Keep editing"
)

// ConfirmClose runs close at once when nothing would be lost. With unsaved
// changes in the Editor it asks first. While a training run is going it
// asks too; on yes it stops the run, waits while the run saves its
// checkpoint (Resume in the Train view continues it), then closes. Call it
// on the UI goroutine.
func (v *MainView) ConfirmClose(close func()) {
	v.discardFirst("Quitting", func() { v.stopTrainingFirst(close) })
}

// discardFirst runs then at once when no view has unsaved changes (or
// there is no window to ask in); otherwise it asks whether doing (what
// then does, as "Quitting") may discard them, and runs then on yes.
func (v *MainView) discardFirst(doing string, then func()) {
	var unsaved []string
	for _, t := range v.views {
		if w, ok := t.v.(unsavedWork); ok && t.ready() && w.Unsaved() {
			unsaved = append(unsaved, t.v.Title())
		}
	}
	if len(unsaved) == 0 || v.env.Window == nil {
		then()
		return
	}
	msg := widget.NewLabel(fmt.Sprintf("The %s has changes that are not saved.\n%s discards them: save the grid first (File > Save Grid…) to keep them.",
		strings.Join(unsaved, " and "), doing))
	dialog.NewCustomConfirm(discardTitle, discardText, keepText, msg, func(yes bool) {
		if yes {
			then()
		}
	}, v.env.Window).Show()
}

// stopTrainingFirst runs close at once when no training run is going;
// otherwise it asks, stops the run and waits for its checkpoint.
func (v *MainView) stopTrainingFirst(close func()) {
	run := v.env.Session.ActiveRun()
	if run == nil || v.env.Window == nil {
		close()
		return
	}
	msg := widget.NewLabel(fmt.Sprintf("%s is going (%s).\nStop it and close? It saves a checkpoint first: Resume in the Train view continues the run exactly.",
		run.Job.Name, run.Job.Progress().Message))
	d := dialog.NewCustomConfirm("Training is running", stopAndCloseText, keepTrainingText, msg, func(stop bool) {
		if !stop {
			return
		}
		run.Job.Cancel()
		bar := widget.NewProgressBarInfinite()
		saving := dialog.NewCustomWithoutButtons("Saving the checkpoint…", bar, v.env.Window)
		saving.Show()
		go func() {
			<-run.Job.Done()
			view.Do(func() {
				saving.Hide()
				close()
			})
		}()
	}, v.env.Window)
	d.Show()
}

// guardEditorInput makes every way of sending a result to the Editor (a
// gallery card's Edit, Hi-Res, the History browser) ask before it replaces
// a grid with unsaved changes, as opening a model does.
func (v *MainView) guardEditorInput() {
	send := v.env.SendToEditor
	if send == nil {
		return
	}
	v.env.SendToEditor = func(g tokens.Grid, img image.Image, params map[string]any) {
		v.discardFirst("Opening another grid in the Editor", func() { send(g, img, params) })
	}
}
