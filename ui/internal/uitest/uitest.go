// Package uitest holds what the studio's widget tests share: a Controller
// that records what the views ask for, test windows on Fyne's test app, the
// tiny models of the repository's testdata, and helpers that find, read and
// drive the widgets a window shows. Every helper takes the UI lock
// (view.Sync) itself, so that background UI updates (view.Do) never run
// while it reads or drives widgets; test bodies call them without holding
// it. It imports package view and no other package of ui, so the tests of
// every ui package can use it.
package uitest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/imgio"
	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/outputs"
	"tessera/engine/session"
	"tessera/engine/tokens"
	"tessera/ui/view"
)

// Recorder is a Controller that counts what the views asked for and answers
// file and folder pickers with a path set by the test. The dialogs are the
// seam: the engine behind the views is a real session.
type Recorder struct {
	Opened, Quits int
	Picks         []string // titles of PickFile, SaveFile and PickFolder calls
	Names         []string // the names SaveFile calls suggested
	Answer        string   // the path PickFile and PickFolder answer with
	Shown         []string // the folders ShowFolder was asked to open
}

func (r *Recorder) OpenModel() { r.Opened++ }
func (r *Recorder) Quit()      { r.Quits++ }
func (r *Recorder) ShowFolder(path string) {
	r.Shown = append(r.Shown, path)
}
func (r *Recorder) PickFile(title string, exts []string, done func(string)) {
	r.Picks = append(r.Picks, title)
	done(r.Answer)
}
func (r *Recorder) SaveFile(title string, exts []string, name string, done func(string)) {
	r.Picks = append(r.Picks, title)
	r.Names = append(r.Names, name)
	done(r.Answer)
}
func (r *Recorder) PickFolder(title string, done func(string)) {
	r.Picks = append(r.Picks, title)
	done(r.Answer)
}

// SetAnswer sets the path the next pickers answer with.
func (r *Recorder) SetAnswer(path string) { view.Sync(func() { r.Answer = path }) }

// OwnStorage gives the test app's storage, where the views keep their
// label maps, a folder of the test's own: fyne's test storage is the
// system's temporary folder, which every test would share.
func OwnStorage(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
}

// WindowSize is the studio window's default size.
var WindowSize = fyne.NewSize(1100, 720)

// Env starts a test app and a session, with a recorder for the dialogs.
func Env(t *testing.T) (*view.Env, *Recorder) {
	t.Helper()
	test.NewTempApp(t)
	OwnStorage(t)
	return EnvOnApp(t)
}

// EnvOnApp is Env on the test app already running.
func EnvOnApp(t *testing.T) (*view.Env, *Recorder) {
	t.Helper()
	ctrl := &Recorder{}
	s := session.New()
	t.Cleanup(s.Close)
	return &view.Env{Session: s, Ctrl: ctrl}, ctrl
}

// Window shows content in a test window of the studio's size, sets it as
// env's window, and closes it when the test ends.
func Window(t *testing.T, env *view.Env, content func() fyne.CanvasObject) fyne.Window {
	t.Helper()
	var w fyne.Window
	view.Sync(func() {
		w = test.NewWindow(content())
		w.Resize(WindowSize)
		if env != nil {
			env.Window = w
		}
	})
	t.Cleanup(func() { view.Sync(w.Close) })
	return w
}

// Tiny is the path of a tiny model fixture (or a file in it) in the
// repository's testdata, relative to the test's package directory.
func Tiny(name string, parts ...string) string {
	root := ""
	for range 8 {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		root = filepath.Join(root, "..")
	}
	return filepath.Join(append([]string{root, "testdata", "taming-tiny", name}, parts...)...)
}

// OpenModel opens a tiny model in env's session and tells the views, as
// the main view does once a model is loaded.
func OpenModel(t *testing.T, env *view.Env, name string, views ...view.View) (*model.Model, *model.Card) {
	t.Helper()
	WaitJob(t, env.Session.OpenModel(Tiny(name), ""))
	m, card := env.Session.Model()
	view.Sync(func() {
		for _, v := range views {
			v.ModelChanged(m, card)
		}
	})
	return m, card
}

// KeepOutputs gives env an output history in a temporary folder and
// returns the folder.
func KeepOutputs(t *testing.T, env *view.Env) string {
	root := t.TempDir()
	view.Sync(func() { env.Outputs = &outputs.Folder{Root: root} })
	return root
}

// WaitForOutputs waits until the output history under root holds n PNGs
// that carry a token grid, and returns their grids by file name.
func WaitForOutputs(t *testing.T, root string, n int) map[string]tokens.Grid {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		got := map[string]tokens.Grid{}
		paths, _ := filepath.Glob(filepath.Join(root, "*", "*.png"))
		for _, p := range paths {
			// A file is claimed before it is written: read only whole ones.
			if g, _, err := imgio.GridFromPNG(p); err == nil {
				got[filepath.Base(p)] = g
			}
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d output PNGs within %v, want %d: %v", len(got), patience, n, paths)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// WaitJob waits for j and fails the test if it failed.
func WaitJob(t *testing.T, j *jobs.Job) jobs.Result {
	t.Helper()
	<-j.Done()
	if err := j.Err(); err != nil {
		t.Fatalf("%s: %v", j.Name, err)
	}
	return j.Result()
}

// patience is how long a wait lasts: under -race on a busy machine the
// engine's jobs run many times slower than they do normally.
const patience = 2 * time.Minute

// WaitFor polls cond (under the UI lock) while background updates run.
func WaitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		var ok bool
		view.Sync(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", patience)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// WaitForText waits until w shows a text containing part.
func WaitForText(t *testing.T, w fyne.Window, part string) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !ShowsText(w, part) {
		if time.Now().After(deadline) {
			t.Fatalf("no text %q within %v; texts shown: %v", part, patience, Texts(w))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Shown walks the objects of o that are visible, as the window shows them;
// call it under the UI lock.
func Shown(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch o := o.(type) {
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			Shown(c, f)
		}
	case *fyne.Container:
		for _, c := range o.Objects {
			Shown(c, f)
		}
	}
}

// walk lays w out and walks what it shows: its top overlay (a dialog),
// then its content.
func walk(w fyne.Window, f func(fyne.CanvasObject)) {
	test.LaidOutObjects(w.Content())
	Shown(w.Canvas().Overlays().Top(), f)
	Shown(w.Content(), f)
}

// Texts lists the texts of the labels and buttons shown in w and its top
// overlay.
func Texts(w fyne.Window) map[string]bool {
	texts := map[string]bool{}
	view.Sync(func() {
		walk(w, func(o fyne.CanvasObject) {
			switch o := o.(type) {
			case *widget.Label:
				texts[o.Text] = true
			case *widget.Button:
				texts[o.Text] = true
			}
		})
	})
	return texts
}

// ShowsText reports whether some text shown in w contains part.
func ShowsText(w fyne.Window, part string) bool {
	for s := range Texts(w) {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

// Find returns the first object of type T shown in w (overlay first) for
// which ok holds.
func Find[T fyne.CanvasObject](t *testing.T, w fyne.Window, ok func(T) bool) T {
	t.Helper()
	var found T
	seen := false
	view.Sync(func() {
		walk(w, func(o fyne.CanvasObject) {
			if x, is := o.(T); is && !seen && ok(x) {
				found, seen = x, true
			}
		})
	})
	if !seen {
		t.Fatalf("no such %T in the window", found)
	}
	return found
}

// FindButton returns the visible button with the given text.
func FindButton(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	return Find(t, w, func(b *widget.Button) bool { return b.Text == text })
}

// Tap clicks a tappable object.
func Tap(o fyne.Tappable) { view.Sync(func() { test.Tap(o) }) }

// TapButton clicks the visible button with the given text.
func TapButton(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	Tap(FindButton(t, w, text))
}

// Disabled tells whether a widget is disabled, under the UI lock.
func Disabled(o fyne.Disableable) (off bool) {
	view.Sync(func() { off = o.Disabled() })
	return off
}

// TopOverlay is the dialog over w, or nil.
func TopOverlay(w fyne.Window) (o fyne.CanvasObject) {
	view.Sync(func() { o = w.Canvas().Overlays().Top() })
	return o
}

// Absolute is a position in o given in o's coordinates, on the canvas.
func Absolute(o fyne.CanvasObject, p fyne.Position) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Add(p)
}

// CanvasPos is where o is on w's canvas, as taps and mouse moves see it
// (the driver's absolute position leaves out the canvas's inset).
func CanvasPos(w fyne.Window, o fyne.CanvasObject) fyne.Position {
	inset, _ := w.Canvas().InteractiveArea()
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Add(inset)
}
