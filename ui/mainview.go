package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"

	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/session"
)

// MainView is the studio window's content: the task views as tabs above a
// status bar, plus the menu and shortcuts that go with them.
type MainView struct {
	env     *Env
	tabs    *container.AppTabs
	views   []*viewTab
	status  *statusBar
	content fyne.CanvasObject
}

// about texts are the empty states' one-line descriptions, by tab title.
var about = map[string]string{
	"Codebook": "Browse the VQGAN codebook: every code decoded as a tile.",
	"Editor":   "Paint token grids and decode them to images.",
	"Sample":   "Sample new token grids with the transformer.",
	"Hi-Res":   "Grow images past the model's context with a sliding window.",
	"Jobs":     "Running and finished jobs, with progress and cancel.",
}

// NewMainView builds the studio's content around a controller and an engine
// session. It needs a Fyne app (a real one or fyne.io/fyne/v2/test's) but
// no window.
func NewMainView(ctrl Controller, s *session.Session) *MainView {
	v := &MainView{env: &Env{Session: s, Ctrl: ctrl}, status: newStatusBar()}
	v.tabs = container.NewAppTabs()
	for _, vw := range newViews(v.env) {
		t := newViewTab(vw, ctrl, about[vw.title()])
		v.views = append(v.views, t)
		v.tabs.Append(t.item)
	}
	v.content = container.NewBorder(nil, v.status.box, nil, nil, v.tabs)
	return v
}

// Content is the object to put in a window.
func (v *MainView) Content() fyne.CanvasObject { return v.content }

// Install puts the view, its menu and its shortcuts into w.
func (v *MainView) Install(w fyne.Window) {
	v.env.Window = w
	w.SetContent(v.content)
	w.SetMainMenu(newMainMenu(v.env.Ctrl))
	// Menu shortcuts only fire by themselves on macOS; elsewhere the canvas
	// has to know them.
	w.Canvas().AddShortcut(openModelShortcut, func(fyne.Shortcut) { v.env.Ctrl.OpenModel() })
}

// LoadModel opens the model at path on the worker; the views switch to it
// when it is loaded, and a failure is shown in a dialog naming the file.
// It returns the job. Call it on the UI goroutine.
func (v *MainView) LoadModel(path string) *jobs.Job {
	v.status.model.SetText("Loading " + path + "…")
	j := v.env.Session.OpenModel(path, "")
	go func() {
		<-j.Done()
		fyne.Do(func() { v.modelLoaded(path, j) })
	}()
	return j
}

func (v *MainView) modelLoaded(path string, j *jobs.Job) {
	if err := j.Err(); err != nil {
		v.status.model.SetText(v.modelText())
		if v.env.Window != nil {
			dialog.ShowError(fmt.Errorf("could not open %s:\n%w", path, err), v.env.Window)
		}
		return
	}
	m, card := v.env.Session.Model()
	v.status.model.SetText(v.modelText())
	for _, t := range v.views {
		t.modelChanged(m, card)
	}
}

// modelText describes the model in use for the status bar.
func (v *MainView) modelText() string {
	m, card := v.env.Session.Model()
	if m == nil {
		return "No model loaded"
	}
	return fmt.Sprintf("%s · %s", m.WeightsPath, describe(card))
}

// describe summarises a model card in a few words.
func describe(c *model.Card) string {
	switch {
	case c.Kind == model.KindVQGAN:
		return fmt.Sprintf("VQGAN, %d codes, f%d", c.CodebookSize, c.Factor)
	case c.Classes > 0:
		return fmt.Sprintf("transformer, %d classes, %d codes", c.Classes, c.CodebookSize)
	case c.Labels > 0:
		return fmt.Sprintf("transformer, %s (%d labels), %d codes", c.CondKey, c.Labels, c.CodebookSize)
	}
	return fmt.Sprintf("transformer, %s, %d codes", c.Conditioning, c.CodebookSize)
}
