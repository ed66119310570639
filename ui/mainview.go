package ui

import (
	"errors"
	"fmt"
	"io/fs"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"

	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/outputs"
	"tessera/engine/session"
	"tessera/ui/history"
	jobsview "tessera/ui/jobs"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// MainView is the studio window's content: the task views as tabs above a
// status bar, plus the menu and shortcuts that go with them.
type MainView struct {
	env      *view.Env
	tabs     *container.AppTabs
	views    []*viewTab
	status   *statusBar
	menu     *mainMenu
	welcome  *welcomePanel
	content  fyne.CanvasObject
	builtins Builtins
	// modelPath is the path the model in use was opened by ("" for none).
	modelPath string
}

// about texts are the empty states' one-line descriptions, by tab title.
var about = map[string]string{
	"Codebook": "Browse the VQGAN codebook: every code decoded as a tile.",
	"Editor":   "Paint token grids and decode them to images.",
	"Sample":   "Sample new token grids with the transformer.",
	"Hi-Res":   "Grow images past the model's context with a sliding window.",
	"Train":    "Train a VQGAN or a transformer on a folder of your images.",
	"Jobs":     "Running and finished jobs, with progress and cancel.",
}

// NewMainView builds the studio's content around a controller and an engine
// session. It needs a Fyne app (a real one or fyne.io/fyne/v2/test's) but
// no window.
func NewMainView(ctrl view.Controller, s *session.Session) *MainView {
	v := &MainView{env: &view.Env{Session: s, Ctrl: ctrl}}
	v.status = newStatusBar(v.showModelCard, func() { v.Show("Jobs") })
	v.tabs = container.NewAppTabs()
	openBuiltin := func() { v.OpenDefaultModel() }
	for _, vw := range newViews(v.env) {
		t := newViewTab(vw, ctrl, about[vw.Title()], openBuiltin)
		v.views = append(v.views, t)
		v.tabs.Append(t.item)
	}
	v.env.Show = func(title string) { v.Show(title) }
	v.env.LoadModel = func(path string) { v.LoadModel(path) }
	v.guardEditorInput()
	v.welcome = newWelcomePanel(v)
	v.menu = newMainMenu(v)
	v.tabs.OnSelected = func(*container.TabItem) { v.menu.refresh(v) }
	v.content = container.NewBorder(v.welcome.box, v.status.box, nil, nil, v.tabs)
	jobsview.Watch(s.Worker, func(jobs.Event) { v.status.studio.show(jobsview.Running(s.Worker)) })
	jobsview.Watch(s.Training, func(jobs.Event) { v.status.trainer.show(jobsview.Running(s.Training)) })
	return v
}

// Content is the object to put in a window.
func (v *MainView) Content() fyne.CanvasObject { return v.content }

// Install puts the view, its menu and its shortcuts into w.
func (v *MainView) Install(w fyne.Window) {
	v.env.Window = w
	w.SetContent(v.content)
	w.SetMainMenu(v.menu.bar)
	v.addShortcuts(w.Canvas())
}

// SetBuiltins sets the built-in models the studio offers (File > Open
// Built-in Model, the empty states, the welcome panel). A new MainView
// offers none. Call it on the UI goroutine.
func (v *MainView) SetBuiltins(b Builtins) {
	v.builtins = b
	for _, t := range v.views {
		t.state.offerBuiltin(b)
	}
	v.refreshWelcome()
	v.menu.refresh(v)
}

// OpenDefaultModel opens the built-in landscape model and returns its job,
// or nil when there is none. Call it on the UI goroutine.
func (v *MainView) OpenDefaultModel() *jobs.Job {
	if v.builtins.Landscape == "" {
		return nil
	}
	return v.LoadModel(v.builtins.Landscape)
}

// SetOutputs makes root the output history every result is written to
// (see package outputs); a new MainView keeps none. Call it on the UI
// goroutine.
func (v *MainView) SetOutputs(root string) {
	v.env.Outputs = &outputs.Folder{Root: root}
	v.env.ShowHistory = func() { history.ShowDialog(v.env) }
	v.menu.refresh(v)
}

// showOutputs opens the output history's folder (File > Show Outputs).
func (v *MainView) showOutputs() {
	if err := widgets.ShowOutputs(v.env); err != nil && v.env.Window != nil {
		dialog.ShowError(err, v.env.Window)
	}
}

// LoadModel opens the model at path on the worker; the views switch to it
// when it is loaded, and a failure is shown in a dialog naming the file.
// A model that opens goes to the top of the recent models. It returns the
// job. Call it on the UI goroutine.
//
// When the Editor has unsaved changes it asks first and returns nil; the
// model is opened only if the user agrees.
func (v *MainView) LoadModel(path string) *jobs.Job { return v.loadModel(path, nil) }

// loadModel is LoadModel that calls then, on the UI goroutine, once the
// views have switched to the model (not when it fails).
func (v *MainView) loadModel(path string, then func()) *jobs.Job {
	var j *jobs.Job
	v.discardFirst("Opening "+outputs.ModelName(path), func() { j = v.startLoading(path, then) })
	return j
}

// startLoading is loadModel once nothing unsaved stands in the way; a
// checkpoint opened before with a config the user chose gets it again.
func (v *MainView) startLoading(path string, then func()) *jobs.Job {
	return v.openWith(path, rememberedConfig(path), then)
}

// openWith opens path with the given config ("" to find it beside the
// checkpoint) on the worker.
func (v *MainView) openWith(path, config string, then func()) *jobs.Job {
	v.status.model.SetText("Loading " + path + "…")
	j := v.env.Session.OpenModel(path, config)
	go func() {
		<-j.Done()
		view.Do(func() {
			if v.modelLoaded(path, config, j, then) && then != nil {
				then()
			}
		})
	}()
	return j
}

// ReopenLastModel loads the model opened last when the preference to do so
// is on, and returns its job, or nil.
func (v *MainView) ReopenLastModel() *jobs.Job {
	if recent := recentModels(); reopenLast() && len(recent) > 0 {
		return v.LoadModel(recent[0])
	}
	return nil
}

// modelLoaded shows the outcome of opening path with config, and tells
// whether the model is now in use. A checkpoint without a config found
// beside it asks for one; then runs once it opens with it.
func (v *MainView) modelLoaded(path, config string, j *jobs.Job, then func()) bool {
	if err := j.Err(); err != nil {
		v.status.model.SetText(v.modelText())
		if errors.Is(err, model.ErrNoConfig) && v.env.Window != nil {
			v.askConfig(path, then)
			return false
		}
		// A model that was moved or deleted, or a built-in one this binary
		// lacks, would fail from the menu forever.
		if errors.Is(err, fs.ErrNotExist) || model.IsBuiltin(path) && !model.HasBuiltin(path) {
			forgetModel(path)
			v.menu.refresh(v)
		}
		if v.env.Window != nil {
			dialog.ShowError(fmt.Errorf("could not open %s:\n%w", path, err), v.env.Window)
		}
		return false
	}
	rememberModel(path)
	rememberConfig(path, config)
	v.modelPath = path
	m, card := v.env.Session.Model()
	v.status.model.SetText(v.modelText())
	for _, t := range v.views {
		t.modelChanged(m, card)
	}
	v.refreshWelcome()
	v.menu.refresh(v)
	return true
}

// modelText describes the model in use for the status bar.
func (v *MainView) modelText() string {
	m, card := v.env.Session.Model()
	if m == nil {
		return "No model loaded"
	}
	return fmt.Sprintf("%s · %s", m.WeightsPath, describe(card))
}

// Show selects the view with the given title, and tells whether there is
// one. Call it on the UI goroutine.
func (v *MainView) Show(title string) bool {
	for _, t := range v.views {
		if t.v.Title() == title {
			v.tabs.Select(t.item)
			return true
		}
	}
	return false
}

// Titles are the views' titles, in tab order.
func (v *MainView) Titles() []string {
	var out []string
	for _, t := range v.views {
		out = append(out, t.v.Title())
	}
	return out
}

// showModelCard shows the card of the model in use, if there is one.
func (v *MainView) showModelCard() {
	if _, card := v.env.Session.Model(); card != nil && v.env.Window != nil {
		showModelCard(card, v.env.Window)
	}
}

// actions returns the selected view's editor actions, if it has them and
// shows its content.
func (v *MainView) actions() (editorActions, bool) {
	i := v.tabs.SelectedIndex()
	if i < 0 || !v.views[i].ready() {
		return nil, false
	}
	a, ok := v.views[i].v.(editorActions)
	return a, ok
}

// primary is the selected view's main action, if it has one and shows its
// content, else nil.
func (v *MainView) primary() primaryAction {
	i := v.tabs.SelectedIndex()
	if i < 0 || !v.views[i].ready() {
		return nil
	}
	p, _ := v.views[i].v.(primaryAction)
	return p
}

// runPrimary runs the selected view's main action (Ctrl+Enter), if any.
func (v *MainView) runPrimary() {
	if p := v.primary(); p != nil {
		p.Primary()
	}
}

// withActions runs f on the selected view's editor actions, if any.
func (v *MainView) withActions(f func(editorActions)) {
	if a, ok := v.actions(); ok {
		f(a)
	}
}

// undoRedo gives undo and redo to a focused widget that takes shortcuts,
// a text entry or the segmentation painter (the menu bar sees Ctrl+Z
// before they do), and otherwise to the selected view.
func (v *MainView) undoRedo(sh fyne.Shortcut, f func(editorActions)) {
	if v.env.Window != nil {
		if e, ok := v.env.Window.Canvas().Focused().(fyne.Shortcutable); ok {
			e.TypedShortcut(sh)
			return
		}
	}
	v.withActions(f)
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
	case c.CondKey != "":
		return fmt.Sprintf("transformer, %s, %d codes", c.CondKey, c.CodebookSize)
	}
	return fmt.Sprintf("transformer, %s, %d codes", c.Conditioning, c.CodebookSize)
}
