package ui

import (
	"image"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"tessera/engine/imgio"
	"tessera/engine/tokens"
)

// openInEditor opens a file through the Editor's Open button (the recorder
// answers the file dialog) and returns the grid it shows.
func openInEditor(t *testing.T, ctrl *recorder, w fyne.Window, e *editorView, path string) tokens.Grid {
	t.Helper()
	var before int
	Sync(func() { ctrl.answer, before = path, e.gen })
	tapButton(t, w, "Open…")
	waitFor(t, func() bool { return e.gen != before })
	return editorGrid(t, e)
}

func TestEditorOpensPaintsUndoesAndRedoes(t *testing.T) {
	v, ctrl, w := studioWith(t, "vqgan", "Editor")
	e := viewOf[*editorView](t, v)
	orig := openInEditor(t, ctrl, w, e, tiny("vqgan", "input0.png"))
	if orig.W != 8 || orig.H != 8 {
		t.Fatalf("input0.png encodes to %dx%d tokens, want 8x8", orig.W, orig.H)
	}
	if !showsText(w, "input0.png: 8×8 tokens, 32×32 pixels.") {
		t.Errorf("the notes do not describe the image; texts: %v", visibleTexts(w))
	}
	// A first-stage model edits but cannot resample, and says why.
	if !showsText(w, "Resampling needs a transformer") {
		t.Error("no reason shown for Resample being unavailable")
	}

	// Take the code of cell (0,0), then paint row 5 with it.
	tapButton(t, w, "Eyedropper")
	tapCell(e.view, image.Pt(0, 0))
	code := orig.At(0, 0)
	Sync(func() {
		if e.code != code || e.codeEntry.Text != itoa(code) {
			t.Errorf("eyedropper picked %d (entry %q), want %d", e.code, e.codeEntry.Text, code)
		}
	})
	hoverCell(w, e.view, image.Pt(2, 3))
	if !showsText(w, "cell (2, 3)\ncode "+itoa(orig.At(2, 3))) {
		t.Errorf("hovering shows no code; texts: %v", visibleTexts(w))
	}
	tapButton(t, w, "Brush")
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

	tapButton(t, w, "Undo")
	if g := editorGrid(t, e); !g.Equal(orig) {
		t.Error("undo did not restore the encoded grid")
	}
	tapButton(t, w, "Redo")
	if g := editorGrid(t, e); !g.Equal(painted) {
		t.Error("redo did not repaint the stroke")
	}
}

func TestEditorSavesLoadsAndExports(t *testing.T) {
	v, ctrl, w := studioWith(t, "vqgan", "Editor")
	e := viewOf[*editorView](t, v)
	dir := t.TempDir()
	orig := openInEditor(t, ctrl, w, e, tiny("vqgan", "input0.png"))

	// Stamp the top-left 2x2 block at (5,5): an edit the image cannot
	// reproduce when encoded again.
	tapButton(t, w, "Copy / Stamp")
	dragCells(w, e.view, image.Pt(0, 0), image.Pt(1, 1))
	tapCell(e.view, image.Pt(5, 5))
	edited := editorGrid(t, e)
	if edited.At(5, 5) != orig.At(0, 0) || edited.At(6, 6) != orig.At(1, 1) || edited.Equal(orig) {
		t.Fatal("the stamp did not copy the block")
	}

	jsonPath := filepath.Join(dir, "grid") // the extension is added
	Sync(func() { ctrl.answer = jsonPath })
	tapButton(t, w, "Save grid…")
	waitFor(t, func() bool { return strings.HasPrefix(e.status.text.Text, "Saved") })
	saved, params, err := tokens.Read(jsonPath + ".json")
	if err != nil || !saved.Equal(edited) {
		t.Fatalf("saved grid differs (err %v)", err)
	}
	if params["operation"] != "encode" || params["source"] != "input0.png" {
		t.Errorf("saved parameters %v", params)
	}

	pngPath := filepath.Join(dir, "edited.png")
	Sync(func() { ctrl.answer = pngPath })
	tapButton(t, w, "Export PNG…")
	waitFor(t, func() bool { return strings.HasPrefix(e.status.text.Text, "Exported") })
	if g, _, err := imgio.GridFromPNG(pngPath); err != nil || !g.Equal(edited) {
		t.Fatalf("the PNG carries another grid (err %v)", err)
	}

	// Opening the PNG restores the grid; encoding its pixels would not.
	if g := openInEditor(t, ctrl, w, e, tiny("vqgan", "input0.png")); !g.Equal(orig) {
		t.Fatal("reopening input0.png gave another grid")
	}
	if g := openInEditor(t, ctrl, w, e, pngPath); !g.Equal(edited) {
		t.Error("opening the exported PNG did not restore its grid")
	}
	if g := openInEditor(t, ctrl, w, e, tiny("vqgan", "input0.png")); !g.Equal(orig) {
		t.Fatal("reopening input0.png gave another grid")
	}
	if g := openInEditor(t, ctrl, w, e, jsonPath+".json"); !g.Equal(edited) {
		t.Error("opening the saved JSON did not restore its grid")
	}
	if !showsText(w, "grid.json: 8×8 tokens") {
		t.Errorf("notes after loading JSON: %v", visibleTexts(w))
	}
}

func TestEditorRefusesAGridOfAnotherCodebook(t *testing.T) {
	v, ctrl, w := studioWith(t, "vqgan", "Editor")
	e := viewOf[*editorView](t, v)
	path := filepath.Join(t.TempDir(), "big.json")
	g := tokens.New(4, 4)
	g.Set(3, 2, 999)
	if err := tokens.Write(path, g, nil); err != nil {
		t.Fatal(err)
	}
	Sync(func() { ctrl.answer = path })
	tapButton(t, w, "Open…")
	waitFor(t, func() bool { return strings.Contains(e.status.text.Text, "code 999 at (3,2)") })
	Sync(func() {
		if e.loaded() {
			t.Error("a grid with unknown codes was opened")
		}
	})
}

func TestEditorResamplesARegionWithTheTransformer(t *testing.T) {
	v, ctrl, w := studioWith(t, "cin_transformer", "Editor")
	e := viewOf[*editorView](t, v)
	orig := openInEditor(t, ctrl, w, e, tiny("vqgan", "input1.png"))

	tapButton(t, w, "Region")
	dragCells(w, e.view, image.Pt(2, 2), image.Pt(5, 4))
	region := image.Rect(2, 2, 6, 5)
	Sync(func() {
		if e.sel != region {
			t.Fatalf("selected %v, want %v", e.sel, region)
		}
	})
	tapButton(t, w, "Resample region")
	waitFor(t, func() bool { return e.resampler == nil && e.hist.CanUndo() })
	out := editorGrid(t, e)
	if at, same := sameOutside(out, orig, region); !same {
		t.Errorf("resampling changed cell %v outside the region", at)
	}
	if out.Equal(orig) {
		t.Error("resampling changed nothing inside the region")
	}
	Sync(func() {
		if e.params["operation"] != "resample" {
			t.Errorf("parameters after resampling: %v", e.params)
		}
	})
	tapButton(t, w, "Undo")
	if g := editorGrid(t, e); !g.Equal(orig) {
		t.Error("undo did not take the resample back")
	}
}

func TestEditorShowsNothingToEditUntilOpened(t *testing.T) {
	_, _, w := studioWith(t, "vqgan", "Editor")
	if !showsText(w, "Open an image or a token grid") {
		t.Errorf("no hint in an empty editor: %v", visibleTexts(w))
	}
	for _, b := range []string{"Save grid…", "Export PNG…", "Undo", "Redo"} {
		var disabled bool
		btn := findButton(t, w, b)
		Sync(func() { disabled = btn.Disabled() })
		if !disabled {
			t.Errorf("%s is enabled with nothing to edit", b)
		}
	}
}
