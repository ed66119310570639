package history

import (
	"fyne.io/fyne/v2/dialog"

	"tessera/ui/view"
)

// Title heads the browser's dialog.
const Title = "History"

// ShowDialog lists the history afresh in a dialog over env's window; an
// action that goes to another view closes it.
func ShowDialog(env *view.Env) {
	if env.Window == nil {
		return
	}
	b := New(env)
	d := dialog.NewCustom(Title, "Close", b.Content(), env.Window)
	b.OnLeave = d.Hide
	d.Resize(env.Window.Canvas().Size().SubtractWidthHeight(60, 60))
	d.Show()
	b.Reload()
}
