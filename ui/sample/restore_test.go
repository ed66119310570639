package sample

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tessera/engine/outputs"
	"tessera/engine/tokens"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestTodaysSamplesComeBackNewestFirst(t *testing.T) {
	env, _ := uitest.Env(t)
	root := uitest.KeepOutputs(t, env)
	folder := outputs.Folder{Root: root}
	y, m, d := time.Now().Date()
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	g := tokens.Grid{W: 8, H: 8, Codes: make([]int, 64)}
	save := func(sec int, at time.Time, op string) string {
		t.Helper()
		path, err := folder.Save(at, img, g, map[string]any{"operation": op, "model": "/m/other.ckpt", "seed": sec})
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
	for sec := 1; sec <= 3; sec++ {
		save(sec, time.Date(y, m, d, 0, 0, sec, 0, time.Local), "sample")
	}
	save(4, time.Date(y, m, d, 0, 0, 4, 0, time.Local), "resample") // not the Sample view's
	save(5, time.Date(y, m, d, 0, 0, 5, 0, time.Local).AddDate(0, 0, -1), "sample")
	os.WriteFile(filepath.Join(folder.Day(time.Now()), "000006-cut.png"), []byte("\x89PNG\r\n\x1a\nxx"), 0o644)

	s := New(env).(*sampleView)
	uitest.Window(t, env, s.Content)
	uitest.OpenModel(t, env, "cin_transformer", s)
	var seeds []string
	uitest.WaitFor(t, func() bool { return len(s.gallery.Results()) > 0 })
	view.Sync(func() {
		for _, r := range s.gallery.Results() {
			seeds = append(seeds, fmt.Sprint(r.Params["seed"]))
		}
	})
	if fmt.Sprint(seeds) != "[3 2 1]" {
		t.Errorf("brought back seeds %v, want today's samples newest first: [3 2 1]", seeds)
	}
	// Only the first model brings them back.
	uitest.OpenModel(t, env, "vqgan", s)
	view.Sync(func() {
		if n := len(s.gallery.Results()); n != 3 {
			t.Errorf("%d results after another model, want the 3", n)
		}
	})
}

func TestNoMoreThanTheLimitComeBack(t *testing.T) {
	env, _ := uitest.Env(t)
	root := uitest.KeepOutputs(t, env)
	y, m, d := time.Now().Date()
	img := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	for i := range restoreLimit + 3 {
		at := time.Date(y, m, d, 0, 1, i, 0, time.Local)
		if _, err := (outputs.Folder{Root: root}).Save(at, img, tokens.Grid{W: 1, H: 1, Codes: []int{0}}, map[string]any{"operation": "sample", "seed": i}); err != nil {
			t.Fatal(err)
		}
	}
	s := New(env).(*sampleView)
	uitest.Window(t, env, s.Content)
	uitest.OpenModel(t, env, "cin_transformer", s)
	uitest.WaitFor(t, func() bool { return len(s.gallery.Results()) > 0 })
	view.Sync(func() {
		got := s.gallery.Results()
		if len(got) != restoreLimit || fmt.Sprint(got[0].Params["seed"]) != fmt.Sprint(restoreLimit+2) {
			t.Errorf("brought back %d results, the first of seed %v; want the newest %d", len(got), got[0].Params["seed"], restoreLimit)
		}
	})
}
