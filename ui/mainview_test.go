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

	"tessera/engine/session"
)

// recorder is a Controller that counts what the views asked for and answers
// file pickers with a path set by the test. The dialogs are the seam: the
// engine behind the views is a real session.
type recorder struct {
	opened, quit int
	picks        []string // titles of PickFile calls
	answer       string   // the path PickFile answers with
}

func (r *recorder) OpenModel() { r.opened++ }
func (r *recorder) Quit()      { r.quit++ }
func (r *recorder) PickFile(title string, exts []string, save bool, done func(string)) {
	r.picks = append(r.picks, title)
	done(r.answer)
}

// newTestWindow installs a MainView in a test window the size of the real one.
func newTestWindow(t *testing.T) (*MainView, *recorder, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	ctrl := &recorder{}
	s := session.New()
	t.Cleanup(s.Close)
	v := NewMainView(ctrl, s)
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

// tiny is a model fixture of the repository's testdata.
func tiny(name string, parts ...string) string {
	return filepath.Join(append([]string{"..", "testdata", "taming-tiny", name}, parts...)...)
}

// loadModel opens a fixture model in the view and waits for the views to
// switch to it.
func loadModel(t *testing.T, v *MainView, name string) {
	t.Helper()
	j := v.LoadModel(tiny(name))
	<-j.Done()
	if err := j.Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { m, _ := v.env.Session.Model(); return m != nil && !v.views[0].empty.Visible() })
}

// waitFor polls cond while the test app runs queued fyne.Do calls.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLoadingAModelShowsItAndTheViews(t *testing.T) {
	v, _, _ := newTestWindow(t)
	loadModel(t, v, "cin_transformer")
	if !strings.Contains(v.status.model.Text, "cin_transformer") || !strings.Contains(v.status.model.Text, "10 classes") {
		t.Errorf("status bar says %q", v.status.model.Text)
	}
	for _, vt := range v.views {
		if vt.empty.Visible() || !vt.body.Visible() {
			t.Errorf("view %s still shows its empty state", vt.v.title())
		}
	}
}

func TestLoadingABrokenModelShowsAnError(t *testing.T) {
	v, _, w := newTestWindow(t)
	j := v.LoadModel(filepath.Join(t.TempDir(), "missing.ckpt"))
	<-j.Done()
	waitFor(t, func() bool { return len(w.Canvas().Overlays().List()) > 0 })
	if v.status.model.Text != "No model loaded" {
		t.Errorf("status bar says %q after a failed load", v.status.model.Text)
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
