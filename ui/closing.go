package ui

import (
	"fmt"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"tessera/ui/view"
)

// Texts of the close confirmation, shared with the tests.
const (
	stopAndCloseText = "Stop and close"
	keepTrainingText = "Keep training"
)

// ConfirmClose runs close at once when no training run is going. Otherwise
// it asks first; on yes it stops the run, waits while the run saves its
// checkpoint (Resume in the Train view continues it), then closes. Call it
// on the UI goroutine.
func (v *MainView) ConfirmClose(close func()) {
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
