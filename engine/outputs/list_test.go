package outputs

import (
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tessera/engine/tokens"
)

func TestListReadsTheHistoryNewestFirstAndSurvivesForeignFiles(t *testing.T) {
	f := Folder{Root: t.TempDir()}
	img := image.NewNRGBA(image.Rect(0, 0, 8, 4))
	g := tokens.Grid{W: 2, H: 1, Codes: []int{3, 5}}
	save := func(at time.Time, seed int64, extra map[string]any) string {
		t.Helper()
		p := map[string]any{"model": "builtin:landscape", "seed": seed, "top_k": 100, "codebook": 512}
		for k, v := range extra {
			p[k] = v
		}
		path, err := f.Save(at, img, g, p)
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
	day1 := time.Date(2026, 12, 1, 23, 59, 0, 0, time.Local)
	day2 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.Local)
	oldest := save(day1, 1, nil)
	newest := save(day2.Add(time.Hour), 3, map[string]any{"partial": true})
	middle := save(day2, 2, nil)

	// A PNG of someone else's, a truncated one, a text file and the trash.
	foreign := filepath.Join(f.Day(day2), "photo.png")
	w, _ := os.Create(foreign)
	png.Encode(w, img)
	w.Close()
	whole, _ := os.ReadFile(middle)
	corrupt := filepath.Join(f.Day(day2), "cut.png")
	os.WriteFile(corrupt, whole[:len(whole)/2], 0o644)
	os.WriteFile(filepath.Join(f.Day(day2), "notes.txt"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(f.Root, trashDir, "2026-12-02"), 0o755)
	os.WriteFile(filepath.Join(f.Root, trashDir, "2026-12-02", "090000-old.png"), whole, 0o644)

	es, err := List(f.Root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var ours []Entry
	for _, e := range es {
		if e.Tessera() {
			got = append(got, e.Path)
			ours = append(ours, e)
		}
	}
	if want := []string{newest, middle, oldest}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Tessera files listed as\n%v\nwant newest first\n%v", got, want)
	}
	if len(es) != 5 {
		t.Fatalf("%d entries, want the 3 results, the foreign and the corrupt PNG: %v", len(es), es)
	}
	e := ours[0]
	if n, _ := Int(e.Params["seed"]); n != 3 || e.Model() != "builtin:landscape" || e.Codebook() != 512 || e.Day != "2026-12-02" ||
		!e.Grid.Equal(g) || e.Params["partial"] != true || !e.Made.Equal(day2.Add(time.Hour)) {
		t.Errorf("newest entry %+v", e)
	}
	for _, e := range es {
		switch e.Path {
		case foreign, corrupt:
			if e.Tessera() || e.Params != nil || !strings.Contains(e.Err.Error(), filepath.Base(e.Path)) {
				t.Errorf("%s: Tessera %v, params %v, err %v", e.Path, e.Tessera(), e.Params, e.Err)
			}
		}
	}

	if _, err := Trash(f.Root, middle); err != nil {
		t.Fatal(err)
	}
	es, _ = List(f.Root)
	for _, e := range es {
		if e.Path == middle {
			t.Error("a trashed file is still listed")
		}
	}
	if _, err := os.Stat(filepath.Join(f.Root, trashDir, "2026-12-02", filepath.Base(middle))); err != nil {
		t.Errorf("the trashed file is not in the trash: %v", err)
	}
	if es, err := List(filepath.Join(f.Root, "missing")); err != nil || len(es) != 0 {
		t.Errorf("a history not made yet: %v, %v", es, err)
	}
}

func TestInt(t *testing.T) {
	for v, want := range map[any]bool{3: true, json.Number("12"): true, "7": true, 0.5: false, json.Number("1.5"): false, nil: false} {
		if _, ok := Int(v); ok != want {
			t.Errorf("Int(%#v) ok = %v, want %v", v, ok, want)
		}
	}
}
