package ui

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"tessera/engine/jobs"
	"tessera/engine/nn/blas"
	"tessera/engine/session"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// The helpers below take the UI lock (view.Sync) themselves, as uitest's
// do; test bodies call them without holding it.

// newTestWindow installs a MainView in a test window the size of the real one.
func newTestWindow(t *testing.T) (*MainView, *uitest.Recorder, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	uitest.OwnStorage(t)
	return newTestWindowOnApp(t)
}

// newTestWindowOnApp opens another studio window on the current test app,
// sharing its preferences.
func newTestWindowOnApp(t *testing.T) (*MainView, *uitest.Recorder, fyne.Window) {
	t.Helper()
	ctrl := &uitest.Recorder{}
	s := session.New()
	t.Cleanup(s.Close)
	var v *MainView
	var w fyne.Window
	view.Sync(func() {
		v = NewMainView(ctrl, s)
		w = test.NewWindow(nil)
		v.Install(w)
		w.Resize(fyne.NewSize(1100, 720))
	})
	t.Cleanup(func() { view.Sync(w.Close) })
	return v, ctrl, w
}

// selectTab shows the view with the given title.
func selectTab(v *MainView, title string) { view.Sync(func() { v.Show(title) }) }

func TestMainViewHasTheSixViews(t *testing.T) {
	v, _, _ := newTestWindow(t)
	want := []string{"Codebook", "Editor", "Sample", "Hi-Res", "Train", "Jobs"}
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
		texts := uitest.Texts(w)
		empty := texts[noModelText] && texts[openModelText]
		if item.Text == "Jobs" {
			// The Jobs view works without a model: it shows the loading.
			if empty || !uitest.ShowsText(w, "No jobs yet") {
				t.Errorf("Jobs view: want its job list, texts shown: %v", texts)
			}
			continue
		}
		if item.Text == "Train" {
			// A preset trains without a model.
			if empty || !texts["What to train"] {
				t.Errorf("Train view: want its setup, texts shown: %v", texts)
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
	texts := uitest.Texts(w)
	products := "OpenBLAS 0.3."
	if k := blas.Kernels(); k != "" {
		products = k
	}
	device := cpuDevice(runtime.GOMAXPROCS(0)) + " · " + products
	if !texts["No model loaded"] || !uitest.ShowsText(w, device) {
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
	full := "OpenBLAS OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64; products on Tessera AVX2+FMA kernels"
	if got := productsName(full, "Tessera AVX2+FMA kernels"); got != "Tessera AVX2+FMA kernels" {
		t.Errorf("own kernels in use: status bar names %q", got)
	}
	if got := productsName(full, ""); got != "OpenBLAS 0.3.21" {
		t.Errorf("library in use: status bar names %q", got)
	}
}

// loadModel opens a fixture model in the view and waits for the views to
// switch to it.
func loadModel(t *testing.T, v *MainView, name string) {
	t.Helper()
	j := loadPath(v, uitest.Tiny(name))
	<-j.Done()
	if err := j.Err(); err != nil {
		t.Fatal(err)
	}
	// modelLoaded runs in one Do: once the status bar changed, all of it ran.
	uitest.WaitFor(t, func() bool { return !strings.HasPrefix(v.status.model.Text(), "Loading") })
}

// loadPath starts loading a model as File > Open Model does.
func loadPath(v *MainView, path string) *jobs.Job {
	var j *jobs.Job
	view.Sync(func() { j = v.LoadModel(path) })
	return j
}

func TestLoadingAModelShowsItAndTheViews(t *testing.T) {
	v, _, _ := newTestWindow(t)
	loadModel(t, v, "cin_transformer")
	view.Sync(func() {
		if !strings.Contains(v.status.model.Text(), "cin_transformer") || !strings.Contains(v.status.model.Text(), "10 classes") {
			t.Errorf("status bar says %q", v.status.model.Text())
		}
		for _, vt := range v.views {
			if vt.empty.Visible() || !vt.body.Visible() {
				t.Errorf("view %s still shows its empty state", vt.v.Title())
			}
		}
	})
}

func TestLoadingABrokenModelShowsAnError(t *testing.T) {
	v, _, w := newTestWindow(t)
	missing := filepath.Join(t.TempDir(), "missing.ckpt")
	<-loadPath(v, missing).Done()
	uitest.WaitFor(t, func() bool { return w.Canvas().Overlays().Top() != nil })
	if !uitest.ShowsText(w, "open "+missing+":\nmodel: stat") {
		t.Errorf("the error dialog does not name the file; texts: %v", uitest.Texts(w))
	}
	view.Sync(func() {
		if v.status.model.Text() != "No model loaded" {
			t.Errorf("status bar says %q after a failed load", v.status.model.Text())
		}
	})
}

func TestOpenModelButtonAsksTheController(t *testing.T) {
	_, ctrl, w := newTestWindow(t)
	uitest.TapButton(t, w, openModelText)
	if ctrl.Opened != 1 {
		t.Errorf("OpenModel called %d times, want 1", ctrl.Opened)
	}
}

// menuItems indexes a menu's items by label.
func menuItems(w fyne.Window, menu string) map[string]*fyne.MenuItem {
	items := map[string]*fyne.MenuItem{}
	view.Sync(func() {
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
	view.Sync(open.Action)
	if quit := items["Quit"]; quit != nil && quit.IsQuit {
		view.Sync(quit.Action)
	} else {
		t.Error("File menu has no Quit item")
	}
	if ctrl.Opened != 1 || ctrl.Quits != 1 {
		t.Errorf("menu made %d OpenModel and %d Quit calls, want 1 and 1", ctrl.Opened, ctrl.Quits)
	}
}

// typeShortcut presses a shortcut on the window's canvas.
func typeShortcut(w fyne.Window, s fyne.Shortcut) {
	view.Sync(func() { w.Canvas().(fyne.Shortcutable).TypedShortcut(s) })
}

func TestCtrlOOpensAModel(t *testing.T) {
	_, ctrl, w := newTestWindow(t)
	typeShortcut(w, openModelShortcut)
	if ctrl.Opened != 1 {
		t.Errorf("Ctrl+O made %d OpenModel calls, want 1", ctrl.Opened)
	}
}

func TestCPUDevice(t *testing.T) {
	for threads, want := range map[int]string{1: "CPU · 1 thread", 2: "CPU · 2 threads", 16: "CPU · 16 threads"} {
		if got := cpuDevice(threads); got != want {
			t.Errorf("cpuDevice(%d) = %q, want %q", threads, got, want)
		}
	}
}

func TestShowNamesTheViews(t *testing.T) {
	v, _, _ := newTestWindow(t)
	view.Sync(func() {
		if !v.Show("Train") || v.tabs.Selected().Text != "Train" {
			t.Error("Show(Train) did not select the Train view")
		}
		if v.Show("Nothing") {
			t.Error("Show found a view that does not exist")
		}
		if got := strings.Join(v.Titles(), ","); got != "Codebook,Editor,Sample,Hi-Res,Train,Jobs" {
			t.Errorf("titles %s", got)
		}
	})
}
