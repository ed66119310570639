package history

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/outputs"
	"tessera/engine/pipeline"
	"tessera/engine/sample"
	"tessera/ui/editor"
	"tessera/ui/internal/uitest"
	samplev "tessera/ui/sample"
	"tessera/ui/view"
)

// history is a browser over a history of real results of the tiny class
// model (seeds 11 to 14, 13 partial, 14 claiming another codebook) and a
// corrupt PNG, with the Sample view and the Editor it hands results to.
type history struct {
	env    *view.Env
	ctrl   *uitest.Recorder
	b      *Browser
	w      fyne.Window
	root   string
	result pipeline.Result
	paths  map[int64]string // by seed
}

func newHistory(t *testing.T) *history {
	t.Helper()
	env, ctrl := uitest.Env(t)
	h := &history{env: env, ctrl: ctrl, root: uitest.KeepOutputs(t, env), paths: map[int64]string{}}
	var views []view.View
	view.Sync(func() {
		views = []view.View{samplev.New(env), editor.New(env)}
		h.b = New(env)
	})
	h.w = uitest.Window(t, env, h.b.Content)
	view.Sync(func() { h.w.Resize(fyne.NewSize(1100, 1400)) })
	m, _ := uitest.OpenModel(t, env, "cin_transformer", views...)

	class := 3
	res, err := pipeline.Sample(context.Background(), m, pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class},
		Options: sample.Options{Seed: 11, Filter: sample.Filter{TopK: 5, TopP: 0.9, Temperature: 0.7}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.result = res[0]
	folder := outputs.Folder{Root: h.root}
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.Local)
	for seed, extra := range map[int64]map[string]any{11: nil, 12: nil, 13: {"partial": true}, 14: {"codebook": 9999}} {
		p := map[string]any{}
		for k, v := range h.result.Params {
			p[k] = v
		}
		for k, v := range extra {
			p[k] = v
		}
		p["seed"] = seed
		// A day apart from 11 to 12, an hour apart after that.
		made := at.Add(24 * time.Hour).Add(time.Duration(seed-12) * time.Hour)
		if seed == 11 {
			made = at
		}
		path, err := folder.Save(made, h.result.Image, h.result.Grid, p)
		if err != nil {
			t.Fatal(err)
		}
		h.paths[seed] = path
	}
	whole, _ := os.ReadFile(h.paths[12])
	h.paths[0] = filepath.Join(filepath.Dir(h.paths[12]), "cut.png")
	os.WriteFile(h.paths[0], whole[:len(whole)/3], 0o644)
	view.Sync(h.b.Reload)
	uitest.WaitFor(t, func() bool { return len(h.b.Paths()) == 5 })
	return h
}

// row is the shown row whose text contains part.
func (h *history) row(t *testing.T, part string) *row {
	t.Helper()
	return uitest.Find(t, h.w, func(r *row) bool { return strings.Contains(r.about.Text, part) })
}

func TestBrowserListsTheHistoryNewestFirstWithParameters(t *testing.T) {
	h := newHistory(t)
	var got []string
	view.Sync(func() { got = h.b.Paths() })
	// The corrupt file has no time in its name: its own time, now, is newest.
	want := []string{h.paths[0], h.paths[14], h.paths[13], h.paths[12], h.paths[11]}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("listed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, day := range []string{"2026-11-30 (1)", "2026-12-01 (4)"} {
		if !uitest.ShowsText(h.w, day) {
			t.Errorf("no day heading %q: %v", day, uitest.Texts(h.w))
		}
	}
	r := h.row(t, "seed 13")
	for _, part := range []string{"cin_transformer", "partial", "8×8 tokens", "class 3", "top-k 5 · top-p 0.9 · T 0.7"} {
		if !strings.Contains(r.about.Text, part) {
			t.Errorf("the row says %q, without %q", r.about.Text, part)
		}
	}
	// Thumbnails arrive in the background; the corrupt file has none.
	uitest.WaitFor(t, func() bool { return len(h.b.thumbs.pending) == 0 })
	r12 := h.row(t, "seed 12")
	view.Sync(func() {
		if r12.thumb.Image == nil {
			t.Error("the row shows no thumbnail")
		}
	})
	view.Sync(func() {
		if img := h.b.thumbs.done[h.paths[12]]; img == nil || img.Bounds().Dx() != 32 {
			t.Errorf("thumbnail of a 32-pixel result: %v", img)
		}
		if h.b.thumbs.done[h.paths[0]] != nil {
			t.Error("the corrupt file has a thumbnail")
		}
	})
}

func TestBrowserShowsACorruptFileWithoutActions(t *testing.T) {
	h := newHistory(t)
	r := h.row(t, "cut.png · "+ForeignText)
	if !uitest.Disabled(r.open) || !uitest.Disabled(r.reuse) {
		t.Error("a file without Tessera data can be opened or reused")
	}
	other := h.row(t, "seed 14")
	if !uitest.Disabled(other.open) || !strings.Contains(other.about.Text, "Editor: made with a 9999-code codebook; the model in use has") {
		t.Errorf("a grid of another codebook: open disabled %v, %q", uitest.Disabled(other.open), other.about.Text)
	}
	uitest.Tap(r.reveal)
	view.Sync(func() {
		if len(h.ctrl.Shown) != 1 || h.ctrl.Shown[0] != filepath.Dir(h.paths[0]) {
			t.Errorf("Show file opened %v", h.ctrl.Shown)
		}
	})
}

func TestReuseSettingsSetsTheSampleControls(t *testing.T) {
	h := newHistory(t)
	left := 0
	view.Sync(func() { h.b.OnLeave = func() { left++ } })
	uitest.Tap(h.row(t, "seed 12").reuse)
	var req pipeline.SampleRequest
	var err error
	view.Sync(func() { req, err = h.env.SampleSettings() })
	f := req.Options.Filter
	if err != nil || req.Options.Seed != 12 || f.TopK != 5 || f.TopP != 0.9 || f.Temperature != 0.7 || req.Cond.Class == nil || *req.Cond.Class != 3 || left != 1 {
		t.Errorf("after Reuse the Sample view asks for %+v (class %v), err %v; left %d", req.Options, req.Cond.Class, err, left)
	}
}

func TestOpenInEditorLoadsTheGrid(t *testing.T) {
	h := newHistory(t)
	uitest.Tap(h.row(t, "seed 11").open)
	uitest.WaitFor(t, func() bool {
		g, ok := h.env.CurrentGrid()
		return ok && g.Equal(h.result.Grid)
	})
}

func TestDeleteAsksThenMovesToTheTrash(t *testing.T) {
	h := newHistory(t)
	answer := func(button string) {
		t.Helper()
		uitest.Tap(h.row(t, "seed 13").trash)
		if !uitest.ShowsText(h.w, DeleteTitle) {
			t.Fatalf("Delete did not ask: %v", uitest.Texts(h.w))
		}
		uitest.Tap(uitest.Find(t, h.w, func(b *widget.Button) bool { return b.Text == button }))
	}
	answer("No")
	if _, err := os.Stat(h.paths[13]); err != nil {
		t.Fatalf("declining removed the file: %v", err)
	}
	answer("Yes")
	uitest.WaitFor(t, func() bool { return len(h.b.Paths()) == 4 })
	if _, err := os.Stat(filepath.Join(h.root, ".trash", "2026-12-01", filepath.Base(h.paths[13]))); err != nil {
		t.Errorf("the file is not in the trash: %v", err)
	}
}
