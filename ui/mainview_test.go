package ui

import (
	"runtime"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// recorder is a Controller that counts what the views asked for.
type recorder struct{ opened, quit int }

func (r *recorder) OpenModel() { r.opened++ }
func (r *recorder) Quit()      { r.quit++ }

// newTestWindow installs a MainView in a test window the size of the real one.
func newTestWindow(t *testing.T) (*MainView, *recorder, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	ctrl := &recorder{}
	v := NewMainView(ctrl)
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	v.Install(w)
	w.Resize(fyne.NewSize(1100, 720))
	return v, ctrl, w
}

// visibleTexts lists the texts of the labels and buttons laid out in w.
func visibleTexts(w fyne.Window) map[string]bool {
	texts := map[string]bool{}
	for _, o := range test.LaidOutObjects(w.Content()) {
		switch o := o.(type) {
		case *widget.Label:
			texts[o.Text] = true
		case *widget.Button:
			texts[o.Text] = true
		}
	}
	return texts
}

func findButton(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	for _, o := range test.LaidOutObjects(w.Content()) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("no button %q in the window", text)
	return nil
}

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

func TestEveryViewShowsTheEmptyState(t *testing.T) {
	v, _, w := newTestWindow(t)
	for _, item := range v.tabs.Items {
		v.tabs.Select(item)
		texts := visibleTexts(w)
		if !texts[noModelText] || !texts[openModelText] {
			t.Errorf("view %s: empty state missing; texts shown: %v", item.Text, texts)
		}
	}
}

func TestStatusBarShowsModelAndDevice(t *testing.T) {
	_, _, w := newTestWindow(t)
	texts := visibleTexts(w)
	for _, s := range []string{"No model loaded", cpuDevice(runtime.GOMAXPROCS(0))} {
		if !texts[s] {
			t.Errorf("status bar does not show %q; texts shown: %v", s, texts)
		}
	}
}

func TestShowSelectedModel(t *testing.T) {
	v, _, w := newTestWindow(t)
	v.ShowSelectedModel("/models/f16.ckpt")
	if !visibleTexts(w)["Selected: /models/f16.ckpt"] {
		t.Errorf("status bar says %q", v.status.model.Text)
	}
}

func TestOpenModelButtonAsksTheController(t *testing.T) {
	_, ctrl, w := newTestWindow(t)
	test.Tap(findButton(t, w, openModelText))
	if ctrl.opened != 1 {
		t.Errorf("OpenModel called %d times, want 1", ctrl.opened)
	}
}

func TestFileMenu(t *testing.T) {
	_, ctrl, w := newTestWindow(t)
	file := w.MainMenu().Items[0]
	if file.Label != "File" {
		t.Fatalf("first menu is %q, want File", file.Label)
	}
	items := map[string]*fyne.MenuItem{}
	for _, it := range file.Items {
		items[it.Label] = it
	}
	open := items[openModelText]
	if open == nil || open.Shortcut == nil || open.Shortcut.ShortcutName() != openModelShortcut.ShortcutName() {
		t.Fatalf("File menu lacks %q with Ctrl+O: %v", openModelText, file.Items)
	}
	open.Action()
	if quit := items["Quit"]; quit != nil && quit.IsQuit {
		quit.Action()
	} else {
		t.Error("File menu has no Quit item")
	}
	if ctrl.opened != 1 || ctrl.quit != 1 {
		t.Errorf("menu made %d OpenModel and %d Quit calls, want 1 and 1", ctrl.opened, ctrl.quit)
	}
}

func TestCtrlOOpensAModel(t *testing.T) {
	_, ctrl, w := newTestWindow(t)
	w.Canvas().(fyne.Shortcutable).TypedShortcut(openModelShortcut)
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
