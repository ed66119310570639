package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tessera/engine/jobs"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// recentItems lists the labels of File > Open Recent.
func recentItems(v *MainView) []string {
	var out []string
	view.Sync(func() {
		for _, it := range v.menu.recent.ChildMenu.Items {
			out = append(out, it.Label)
		}
	})
	return out
}

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestRecentModels(t *testing.T) {
	v, _, _ := newTestWindow(t)
	if got := recentItems(v); !slices.Equal(got, []string{noRecentText}) {
		t.Fatalf("recent models before any: %v", got)
	}
	loadModel(t, v, "vqgan")
	loadModel(t, v, "cin_transformer")
	<-loadPath(v, filepath.Join(t.TempDir(), "missing.ckpt")).Done() // fails: not remembered
	vq, cin := abs(t, uitest.Tiny("vqgan")), abs(t, uitest.Tiny("cin_transformer"))
	if got := recentModels(); !slices.Equal(got, []string{cin, vq}) {
		t.Fatalf("recent models %v, want %v", got, []string{cin, vq})
	}
	want := []string{recentLabel(cin), recentLabel(vq), "", clearText}
	uitest.WaitFor(t, func() bool { return len(v.menu.recent.ChildMenu.Items) == 4 })
	if got := recentItems(v); !slices.Equal(got, want) {
		t.Fatalf("File > Open Recent shows %v, want %v", got, want)
	}
	if recentLabel(vq) != "vqgan — "+filepath.Dir(vq) {
		t.Errorf("label %q", recentLabel(vq))
	}

	// Choosing a recent model opens it and puts it first.
	view.Sync(v.menu.recent.ChildMenu.Items[1].Action)
	uitest.WaitFor(t, func() bool {
		m, _ := v.env.Session.Model()
		return m != nil && filepath.Base(filepath.Dir(filepath.Dir(m.WeightsPath))) == "vqgan" && v.menu.recent.ChildMenu.Items[0].Label == recentLabel(vq)
	})
	if got := recentModels(); !slices.Equal(got, []string{vq, cin}) {
		t.Errorf("after reopening vqgan: %v", got)
	}

	view.Sync(v.menu.recent.ChildMenu.Items[3].Action) // Clear Recent
	if got := recentItems(v); len(recentModels()) != 0 || !slices.Equal(got, []string{noRecentText}) {
		t.Errorf("after clearing: %v, menu %v", recentModels(), got)
	}
}

func TestRecentModelsKeepTheLatestEight(t *testing.T) {
	newTestWindow(t)
	for i := range 10 {
		rememberModel(fmt.Sprintf("/models/m%d.ckpt", i))
	}
	rememberModel("/models/m5.ckpt")
	want := []string{"/models/m5.ckpt", "/models/m9.ckpt", "/models/m8.ckpt", "/models/m7.ckpt", "/models/m6.ckpt", "/models/m4.ckpt", "/models/m3.ckpt", "/models/m2.ckpt"}
	if got := recentModels(); !slices.Equal(got, want) {
		t.Errorf("recent %v, want %v", got, want)
	}
}

func TestReopenLastModelAtStart(t *testing.T) {
	v, _, w := newTestWindow(t)
	loadModel(t, v, "vqgan")
	reopen := menuItems(w, "Model")[reopenText]
	if reopen.Checked || v.ReopenLastModel() != nil {
		t.Fatal("the last model is reopened without the preference")
	}
	view.Sync(reopen.Action)
	if !reopen.Checked || !reopenLast() {
		t.Fatal("the menu item does not turn the preference on")
	}
	// A new studio window (same preferences) reopens the model.
	v2, _, _ := newTestWindowOnApp(t)
	var j *jobs.Job
	view.Sync(func() { j = v2.ReopenLastModel() })
	<-j.Done()
	// Wait for the whole of modelLoaded, not just the session's model: it
	// writes the recent models, which must not reach the next test's app.
	uitest.WaitFor(t, func() bool { return !strings.HasPrefix(v2.status.model.Text(), "Loading") })
	if m, _ := v2.env.Session.Model(); m == nil {
		t.Fatal("the last model was not reopened")
	}
	if !uitest.ShowsText(w, "vqgan") {
		t.Error("the first window lost its model")
	}
}

func TestRecentModelThatIsGoneIsForgotten(t *testing.T) {
	v, _, _ := newTestWindow(t)
	dir := t.TempDir()
	gone := filepath.Join(dir, "moved.ckpt")
	corrupt := filepath.Join(dir, "corrupt.ckpt")
	if err := os.WriteFile(corrupt, []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	rememberModel(corrupt)
	rememberModel(gone)
	view.Sync(func() { v.menu.refresh(v) })
	for _, p := range []string{gone, corrupt} {
		var j *jobs.Job
		view.Sync(func() { j = v.LoadModel(p) })
		<-j.Done()
	}
	// The missing file leaves the list; the corrupt one stays, as the file
	// may be fixed or finish copying. (Only these two are checked: a model
	// load that an earlier test left running may still add its own.)
	uitest.WaitFor(t, func() bool { return !slices.Contains(recentModels(), gone) })
	if !slices.Contains(recentModels(), corrupt) {
		t.Errorf("recent models %v lost the corrupt one, %s", recentModels(), corrupt)
	}
	items := recentItems(v)
	if slices.Contains(items, recentLabel(gone)) || !slices.Contains(items, recentLabel(corrupt)) {
		t.Errorf("File > Open Recent shows %v", items)
	}
}
