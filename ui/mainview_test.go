package ui

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/engine/session"
)

// recorder is a Controller that counts what the views asked for and answers
// file pickers with a path set by the test. The dialogs are the seam: the
// engine behind the views is a real session.
type recorder struct {
	opened, quit int
	picks        []string // titles of PickFile and PickFolder calls
	answer       string   // the path PickFile and PickFolder answer with
}

func (r *recorder) OpenModel() { r.opened++ }
func (r *recorder) Quit()      { r.quit++ }
func (r *recorder) PickFile(title string, exts []string, save bool, done func(string)) {
	r.picks = append(r.picks, title)
	done(r.answer)
}
func (r *recorder) PickFolder(title string, done func(string)) {
	r.picks = append(r.picks, title)
	done(r.answer)
}

// The helpers below take the UI lock (Sync) themselves, so that background
// UI updates (Do) never run while they read or drive widgets; test bodies
// call them without holding it.

// newTestWindow installs a MainView in a test window the size of the real one.
func newTestWindow(t *testing.T) (*MainView, *recorder, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	return newTestWindowOnApp(t)
}

// newTestWindowOnApp opens another studio window on the current test app,
// sharing its preferences.
func newTestWindowOnApp(t *testing.T) (*MainView, *recorder, fyne.Window) {
	t.Helper()
	ctrl := &recorder{}
	s := session.New()
	t.Cleanup(s.Close)
	var v *MainView
	var w fyne.Window
	Sync(func() {
		v = NewMainView(ctrl, s)
		w = test.NewWindow(nil)
		v.Install(w)
		w.Resize(fyne.NewSize(1100, 720))
	})
	t.Cleanup(func() { Sync(w.Close) })
	return v, ctrl, w
}

// shown walks the objects of o that are visible, as the window shows them.
func shown(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch o := o.(type) {
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			shown(c, f)
		}
	case *fyne.Container:
		for _, c := range o.Objects {
			shown(c, f)
		}
	}
}

// visibleTexts lists the texts of the labels and buttons shown in w and
// its top overlay (a dialog).
func visibleTexts(w fyne.Window) map[string]bool {
	texts := map[string]bool{}
	Sync(func() {
		collect := func(o fyne.CanvasObject) {
			switch o := o.(type) {
			case *widget.Label:
				texts[o.Text] = true
			case *linkLabel:
				texts[o.Text] = true
			case *widget.Button:
				texts[o.Text] = true
			}
		}
		test.LaidOutObjects(w.Content()) // lays the window out
		shown(w.Content(), collect)
		shown(w.Canvas().Overlays().Top(), collect)
	})
	return texts
}

// showsText reports whether some text shown in w contains part.
func showsText(w fyne.Window, part string) bool {
	for s := range visibleTexts(w) {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

// findButton returns the visible button with the given text.
func findButton(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	Sync(func() {
		test.LaidOutObjects(w.Content())
		find := func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
				found = b
			}
		}
		shown(w.Canvas().Overlays().Top(), find)
		shown(w.Content(), find)
	})
	if found == nil {
		t.Fatalf("no button %q in the window", text)
	}
	return found
}

// topOverlay is the dialog over w, or nil.
func topOverlay(w fyne.Window) (o fyne.CanvasObject) {
	Sync(func() { o = w.Canvas().Overlays().Top() })
	return o
}

// tap clicks a tappable object.
func tap(o fyne.Tappable) { Sync(func() { test.Tap(o) }) }

// tapButton clicks the visible button with the given text.
func tapButton(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	tap(findButton(t, w, text))
}

// selectTab shows the view with the given title.
func selectTab(v *MainView, title string) { Sync(func() { v.show(title) }) }

func TestMainViewHasTheFiveViews(t *testing.T) {
	v, _, _ := newTestWindow(t)
	want := []string{"Codebook", "Editor", "Sample", "Hi-Res", "Jobs"}
	if len(v.tabs.Items) != len(want) {
		t.Fatalf("got %d views, want %d", len(v.tabs.Items), len(want))
	}
	for i, item := range v.tabs.Items {
		if item.Text != want[i] {
			t.Errorf("view %d is %q, want %q", i, item.Text, want[i])
		}
	}
}

func TestViewsShowTheEmptyStateUntilAModelIsLoaded(t *testing.T) {
	v, _, w := newTestWindow(t)
	for _, item := range v.tabs.Items {
		selectTab(v, item.Text)
		texts := visibleTexts(w)
		empty := texts[noModelText] && texts[openModelText]
		if item.Text == "Jobs" {
			// The Jobs view works without a model: it shows the loading.
			if empty || !texts[noJobsText] {
				t.Errorf("Jobs view: want its job list, texts shown: %v", texts)
			}
			continue
		}
		if !empty {
			t.Errorf("view %s: empty state missing; texts shown: %v", item.Text, texts)
		}
	}
}

func TestStatusBarShowsModelAndDevice(t *testing.T) {
	_, _, w := newTestWindow(t)
	texts := visibleTexts(w)
	device := cpuDevice(runtime.GOMAXPROCS(0)) + " · OpenBLAS 0.3."
	if !texts["No model loaded"] || !showsText(w, device) {
		t.Errorf("status bar does not show the model and %q; texts shown: %v", device, texts)
	}
}

func TestBLASName(t *testing.T) {
	for full, want := range map[string]string{
		"OpenBLAS OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64": "OpenBLAS 0.3.21",
		"pure Go (gonum)": "pure Go (gonum)",
	} {
		if got := blasName(full); got != want {
			t.Errorf("blasName(%q) = %q, want %q", full, got, want)
		}
	}
}

// tiny is a model fixture of the repository's testdata.
func tiny(name string, parts ...string) string {
	return filepath.Join(append([]string{"..", "testdata", "taming-tiny", name}, parts...)...)
}

// loadModel opens a fixture model in the view and waits for the views to
// switch to it.
func loadModel(t *testing.T, v *MainView, name string) {
	t.Helper()
	j := loadPath(v, tiny(name))
	<-j.Done()
	if err := j.Err(); err != nil {
		t.Fatal(err)
	}
	// modelLoaded runs in one Do: once the status bar changed, all of it ran.
	waitFor(t, func() bool { return !strings.HasPrefix(v.status.model.Text, "Loading") })
}

// loadPath starts loading a model as File > Open Model does.
func loadPath(v *MainView, path string) *jobs.Job {
	var j *jobs.Job
	Sync(func() { j = v.LoadModel(path) })
	return j
}

// waitFor polls cond (under the UI lock) while background updates run.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var ok bool
		Sync(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLoadingAModelShowsItAndTheViews(t *testing.T) {
	v, _, _ := newTestWindow(t)
	loadModel(t, v, "cin_transformer")
	Sync(func() {
		if !strings.Contains(v.status.model.Text, "cin_transformer") || !strings.Contains(v.status.model.Text, "10 classes") {
			t.Errorf("status bar says %q", v.status.model.Text)
		}
		for _, vt := range v.views {
			if vt.empty.Visible() || !vt.body.Visible() {
				t.Errorf("view %s still shows its empty state", vt.v.title())
			}
		}
	})
}

func TestLoadingABrokenModelShowsAnError(t *testing.T) {
	v, _, w := newTestWindow(t)
	missing := filepath.Join(t.TempDir(), "missing.ckpt")
	<-loadPath(v, missing).Done()
	waitFor(t, func() bool { return w.Canvas().Overlays().Top() != nil })
	if !showsText(w, "open "+missing+":\nmodel: stat") {
		t.Errorf("the error dialog does not name the file; texts: %v", visibleTexts(w))
	}
	Sync(func() {
		if v.status.model.Text != "No model loaded" {
			t.Errorf("status bar says %q after a failed load", v.status.model.Text)
		}
	})
}

func TestOpenModelButtonAsksTheController(t *testing.T) {
	_, ctrl, w := newTestWindow(t)
	tapButton(t, w, openModelText)
	if ctrl.opened != 1 {
		t.Errorf("OpenModel called %d times, want 1", ctrl.opened)
	}
}

// menuItems indexes a menu's items by label.
func menuItems(w fyne.Window, menu string) map[string]*fyne.MenuItem {
	items := map[string]*fyne.MenuItem{}
	Sync(func() {
		for _, m := range w.MainMenu().Items {
			if m.Label == menu {
				for _, it := range m.Items {
					items[it.Label] = it
				}
			}
		}
	})
	return items
}

func TestFileMenu(t *testing.T) {
	_, ctrl, w := newTestWindow(t)
	if first := w.MainMenu().Items[0]; first.Label != "File" {
		t.Fatalf("first menu is %q, want File", first.Label)
	}
	items := menuItems(w, "File")
	open := items[openModelText]
	if open == nil || open.Shortcut == nil || open.Shortcut.ShortcutName() != openModelShortcut.ShortcutName() {
		t.Fatalf("File menu lacks %q with Ctrl+O: %v", openModelText, items)
	}
	Sync(open.Action)
	if quit := items["Quit"]; quit != nil && quit.IsQuit {
		Sync(quit.Action)
	} else {
		t.Error("File menu has no Quit item")
	}
	if ctrl.opened != 1 || ctrl.quit != 1 {
		t.Errorf("menu made %d OpenModel and %d Quit calls, want 1 and 1", ctrl.opened, ctrl.quit)
	}
}

// typeShortcut presses a shortcut on the window's canvas.
func typeShortcut(w fyne.Window, s fyne.Shortcut) {
	Sync(func() { w.Canvas().(fyne.Shortcutable).TypedShortcut(s) })
}

func TestCtrlOOpensAModel(t *testing.T) {
	_, ctrl, w := newTestWindow(t)
	typeShortcut(w, openModelShortcut)
	if ctrl.opened != 1 {
		t.Errorf("Ctrl+O made %d OpenModel calls, want 1", ctrl.opened)
	}
}

func TestCPUDevice(t *testing.T) {
	for threads, want := range map[int]string{1: "CPU · 1 thread", 2: "CPU · 2 threads", 16: "CPU · 16 threads"} {
		if got := cpuDevice(threads); got != want {
			t.Errorf("cpuDevice(%d) = %q, want %q", threads, got, want)
		}
	}
}
