package editor

import (
	"image"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"tessera/engine/imgio"
	"tessera/engine/pipeline"
	"tessera/engine/sample"
	"tessera/engine/tokens"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// openInEditor opens a file through the Editor's Open button (the recorder
// answers the file dialog) and returns the grid it shows.
func openInEditor(t *testing.T, ctrl *uitest.Recorder, w fyne.Window, e *editorView, path string) tokens.Grid {
	t.Helper()
	var before int
	view.Sync(func() { ctrl.Answer, before = path, e.gen })
	uitest.TapButton(t, w, "Open…")
	uitest.WaitFor(t, func() bool { return e.gen != before })
	return editorGrid(t, e)
}

func TestEditorOpensPaintsUndoesAndRedoes(t *testing.T) {
	_, e, ctrl, w := newEditor(t, "vqgan")
	orig := openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png"))
	if orig.W != 8 || orig.H != 8 {
		t.Fatalf("input0.png encodes to %dx%d tokens, want 8x8", orig.W, orig.H)
	}
	if !uitest.ShowsText(w, "input0.png: 8×8 tokens, 32×32 pixels.") {
		t.Errorf("the notes do not describe the image; texts: %v", uitest.Texts(w))
	}
	// A first-stage model edits but cannot resample, and says why.
	if !uitest.ShowsText(w, "Resampling needs a transformer") {
		t.Error("no reason shown for Resample being unavailable")
	}

	// Take the code of cell (0,0), then paint row 5 with it.
	uitest.TapButton(t, w, "Eyedropper")
	tapCell(e.view, image.Pt(0, 0))
	code := orig.At(0, 0)
	view.Sync(func() {
		if e.code != code || e.codeEntry.Text != strconv.Itoa(code) {
			t.Errorf("eyedropper picked %d (entry %q), want %d", e.code, e.codeEntry.Text, code)
		}
	})
	hoverCell(w, e.view, image.Pt(2, 3))
	if !uitest.ShowsText(w, "cell (2, 3)\ncode "+strconv.Itoa(orig.At(2, 3))) {
		t.Errorf("hovering shows no code; texts: %v", uitest.Texts(w))
	}
	uitest.TapButton(t, w, "Brush")
	dragCells(w, e.view, image.Pt(0, 5), image.Pt(7, 5))
	painted := editorGrid(t, e)
	for x := range 8 {
		if painted.At(x, 5) != code {
			t.Fatalf("cell (%d,5) is %d after painting, want %d", x, painted.At(x, 5), code)
		}
	}
	if _, same := sameOutside(painted, orig, image.Rect(0, 5, 8, 6)); !same || painted.Equal(orig) {
		t.Fatal("painting changed cells off the stroke, or nothing at all")
	}

	uitest.TapButton(t, w, "Undo")
	if g := editorGrid(t, e); !g.Equal(orig) {
		t.Error("undo did not restore the encoded grid")
	}
	uitest.TapButton(t, w, "Redo")
	if g := editorGrid(t, e); !g.Equal(painted) {
		t.Error("redo did not repaint the stroke")
	}
}

func TestEditorSavesLoadsAndExports(t *testing.T) {
	_, e, ctrl, w := newEditor(t, "vqgan")
	dir := t.TempDir()
	orig := openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png"))

	// Stamp the top-left 2x2 block at (5,5): an edit the image cannot
	// reproduce when encoded again.
	uitest.TapButton(t, w, "Copy / Stamp")
	dragCells(w, e.view, image.Pt(0, 0), image.Pt(1, 1))
	tapCell(e.view, image.Pt(5, 5))
	edited := editorGrid(t, e)
	if edited.At(5, 5) != orig.At(0, 0) || edited.At(6, 6) != orig.At(1, 1) || edited.Equal(orig) {
		t.Fatal("the stamp did not copy the block")
	}

	jsonPath := filepath.Join(dir, "grid") // the extension is added
	ctrl.SetAnswer(jsonPath)
	uitest.TapButton(t, w, "Save grid…")
	uitest.WaitFor(t, func() bool { return strings.HasPrefix(e.status.Text(), "Saved") })
	saved, params, err := tokens.Read(jsonPath + ".json")
	if err != nil || !saved.Equal(edited) {
		t.Fatalf("saved grid differs (err %v)", err)
	}
	if params["operation"] != "encode" || params["source"] != "input0.png" {
		t.Errorf("saved parameters %v", params)
	}

	pngPath := filepath.Join(dir, "edited.png")
	ctrl.SetAnswer(pngPath)
	uitest.TapButton(t, w, "Export PNG…")
	uitest.WaitFor(t, func() bool { return strings.HasPrefix(e.status.Text(), "Exported") })
	if g, _, err := imgio.GridFromPNG(pngPath); err != nil || !g.Equal(edited) {
		t.Fatalf("the PNG carries another grid (err %v)", err)
	}

	// Opening the PNG restores the grid; encoding its pixels would not.
	if g := openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png")); !g.Equal(orig) {
		t.Fatal("reopening input0.png gave another grid")
	}
	if g := openInEditor(t, ctrl, w, e, pngPath); !g.Equal(edited) {
		t.Error("opening the exported PNG did not restore its grid")
	}
	if g := openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input0.png")); !g.Equal(orig) {
		t.Fatal("reopening input0.png gave another grid")
	}
	if g := openInEditor(t, ctrl, w, e, jsonPath+".json"); !g.Equal(edited) {
		t.Error("opening the saved JSON did not restore its grid")
	}
	if !uitest.ShowsText(w, "grid.json: 8×8 tokens") {
		t.Errorf("notes after loading JSON: %v", uitest.Texts(w))
	}
}

func TestEditorRefusesAGridOfAnotherCodebook(t *testing.T) {
	_, e, ctrl, w := newEditor(t, "vqgan")
	path := filepath.Join(t.TempDir(), "big.json")
	g := tokens.New(4, 4)
	g.Set(3, 2, 999)
	if err := tokens.Write(path, g, nil); err != nil {
		t.Fatal(err)
	}
	ctrl.SetAnswer(path)
	uitest.TapButton(t, w, "Open…")
	uitest.WaitFor(t, func() bool { return strings.Contains(e.status.Text(), "code 999 at (3,2)") })
	view.Sync(func() {
		if e.loaded() {
			t.Error("a grid with unknown codes was opened")
		}
	})
}

func TestEditorResamplesARegionWithTheTransformer(t *testing.T) {
	env, e, ctrl, w := newEditor(t, "cin_transformer")
	// The Sample view's settings as they start: class 0, seed 0, top-k 100.
	env.SampleSettings = func() (pipeline.SampleRequest, error) {
		class := 0
		return pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}, Options: sample.Options{Filter: sample.Filter{TopK: 100, TopP: 1, Temperature: 1}, Count: 1}}, nil
	}
	orig := openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input1.png"))

	uitest.TapButton(t, w, "Region")
	dragCells(w, e.view, image.Pt(2, 2), image.Pt(5, 4))
	region := image.Rect(2, 2, 6, 5)
	view.Sync(func() {
		if e.sel != region {
			t.Fatalf("selected %v, want %v", e.sel, region)
		}
	})
	uitest.TapButton(t, w, "Resample region")
	uitest.WaitFor(t, func() bool { return e.resampler == nil && e.hist.CanUndo() })
	out := editorGrid(t, e)
	if at, same := sameOutside(out, orig, region); !same {
		t.Errorf("resampling changed cell %v outside the region", at)
	}
	if out.Equal(orig) {
		t.Error("resampling changed nothing inside the region")
	}
	view.Sync(func() {
		if e.params["operation"] != "resample" {
			t.Errorf("parameters after resampling: %v", e.params)
		}
	})
	uitest.TapButton(t, w, "Undo")
	if g := editorGrid(t, e); !g.Equal(orig) {
		t.Error("undo did not take the resample back")
	}
}

func TestEditorShowsNothingToEditUntilOpened(t *testing.T) {
	_, _, _, w := newEditor(t, "vqgan")
	if !uitest.ShowsText(w, "Open an image or a token grid") {
		t.Errorf("no hint in an empty editor: %v", uitest.Texts(w))
	}
	for _, b := range []string{"Save grid…", "Export PNG…", "Undo", "Redo"} {
		var disabled bool
		btn := uitest.FindButton(t, w, b)
		view.Sync(func() { disabled = btn.Disabled() })
		if !disabled {
			t.Errorf("%s is enabled with nothing to edit", b)
		}
	}
}

func TestEditorReceivesAGridFromAnotherView(t *testing.T) {
	env, e, _, w := newEditor(t, "vqgan")
	var shown []string
	g := tokens.New(8, 8)
	g.Set(2, 3, 17)
	view.Sync(func() {
		env.Show = func(title string) { shown = append(shown, title) }
		env.SendToEditor(g, nil, map[string]any{"operation": "sample", "seed": int64(7)})
	})
	if got := editorGrid(t, e); !got.Equal(g) {
		t.Error("the Editor did not take the grid it was sent")
	}
	view.Sync(func() {
		if len(shown) != 1 || shown[0] != "Editor" {
			t.Errorf("receiving a grid showed %v, want the Editor", shown)
		}
		if e.params["seed"] != int64(7) {
			t.Errorf("the Editor's parameters: %v", e.params)
		}
	})
	if !uitest.ShowsText(w, "sample (seed 7): 8×8 tokens") {
		t.Errorf("the notes do not say where the grid came from: %v", uitest.Texts(w))
	}
}

func TestCellLineHasNoGaps(t *testing.T) {
	line := cellLine(image.Pt(0, 0), image.Pt(5, -2))
	if len(line) != 6 || line[0] != image.Pt(0, 0) || line[5] != image.Pt(5, -2) {
		t.Fatalf("line %v", line)
	}
	for i := 1; i < len(line); i++ {
		d := line[i].Sub(line[i-1])
		if absInt(d.X) > 1 || absInt(d.Y) > 1 {
			t.Errorf("gap between %v and %v", line[i-1], line[i])
		}
	}
}

func TestEditorResampleHasItsOwnSeed(t *testing.T) {
	env, e, ctrl, w := newEditor(t, "cin_transformer")
	env.SampleSettings = func() (pipeline.SampleRequest, error) {
		class := 0
		return pipeline.SampleRequest{Cond: pipeline.Condition{Class: &class}, Options: sample.Options{Filter: sample.Filter{TopK: 100, TopP: 1, Temperature: 1}, Seed: 99, Count: 1}}, nil
	}
	openInEditor(t, ctrl, w, e, uitest.Tiny("vqgan", "input1.png"))
	uitest.TapButton(t, w, "Region")
	dragCells(w, e.view, image.Pt(2, 2), image.Pt(5, 4))
	resample := func() int64 {
		t.Helper()
		uitest.TapButton(t, w, "Resample region")
		uitest.WaitFor(t, func() bool { return e.resampler == nil && strings.HasPrefix(e.status.Text(), "Resampled") })
		editorGrid(t, e)
		var seed int64
		view.Sync(func() {
			seed, _ = e.params["seed"].(int64)
			if e.seed.Entry.Text != strconv.FormatInt(seed, 10) {
				t.Errorf("the seed field shows %q, the result was made with %d", e.seed.Entry.Text, seed)
			}
			e.status.Info("")
		})
		return seed
	}
	first, second := resample(), resample()
	if first == second || first == 99 || second == 99 {
		t.Errorf("resampled with seeds %d and %d: want a new one each time, not the Sample view's 99", first, second)
	}
	view.Sync(func() {
		e.seed.Random.SetChecked(false)
		e.seed.Entry.SetText("5")
	})
	if got := resample(); got != 5 {
		t.Errorf("resampled with seed %d, want the typed 5", got)
	}
}
