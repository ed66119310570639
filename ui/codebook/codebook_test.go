package codebook

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	cbook "tessera/engine/codebook"
	"tessera/engine/imgio"
	"tessera/engine/session"
	"tessera/engine/tokens"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// openCodebook loads the tiny VQGAN and waits for the Codebook view to
// show its atlas.
func openCodebook(t *testing.T) (*view.Env, *codebookView, *uitest.Recorder, fyne.Window) {
	t.Helper()
	env, ctrl := uitest.Env(t)
	cv := New(env).(*codebookView)
	w := uitest.Window(t, env, cv.Content)
	uitest.OpenModel(t, env, "vqgan", cv)
	uitest.WaitFor(t, func() bool { return cv.atlas.image.Image != nil })
	return env, cv, ctrl, w
}

// changesAtlas runs action on the UI and waits for the atlas it causes.
func changesAtlas(t *testing.T, cv *codebookView, action func()) {
	t.Helper()
	var before image.Image
	view.Sync(func() { before = cv.atlas.image.Image })
	action()
	uitest.WaitFor(t, func() bool { return cv.atlas.image.Image != before })
}

// checkAtlasFits checks that the atlas of cells of w×h pixels has as many
// columns as fit its width (all 64 entries at most), so it needs no
// sideways scroll; call it under the UI lock.
func checkAtlasFits(t *testing.T, cv *codebookView, w, h int) {
	t.Helper()
	width := int(cv.atlas.Size().Width)
	cols := min(max(1, width/w), 64)
	rows := (64 + cols - 1) / cols
	if got := cv.atlas.image.Image.Bounds().Size(); got != image.Pt(cols*w, rows*h) || cv.atlas.layout.Cols != cols {
		t.Errorf("atlas %v in %d columns across %d units, want %d columns (%dx%d)", got, cv.atlas.layout.Cols, width, cols, cols*w, rows*h)
	}
}

// cellCentre is where entry's patch is on the canvas.
func cellCentre(w fyne.Window, cv *codebookView, entry int) fyne.Position {
	var p fyne.Position
	view.Sync(func() {
		r := cv.atlas.layout.PatchRect(cv.atlas.cellOf[entry])
		p = uitest.CanvasPos(w, cv.atlas).Add(fyne.NewPos(float32(r.Min.X+r.Dx()/2), float32(r.Min.Y+r.Dy()/2)))
	})
	return p
}

// countUsageOf counts usage over an image through the Image… button.
func countUsageOf(t *testing.T, cv *codebookView, ctrl *uitest.Recorder, w fyne.Window, path string) {
	t.Helper()
	ctrl.SetAnswer(path)
	changesAtlas(t, cv, func() { uitest.TapButton(t, w, "Image…") })
}

func TestCodebookDecodesTheNewModel(t *testing.T) {
	_, cv, _, w := openCodebook(t)
	view.Sync(func() {
		if len(cv.cb.Patches) != 64 || cv.patch() != 4 || cv.scale != 8 {
			t.Fatalf("%d patches of %d pixels at scale %d", len(cv.cb.Patches), cv.patch(), cv.scale)
		}
		// 4x4 patches at 8x, each in a 36x48 cell, as many across as fit.
		checkAtlasFits(t, cv, 36, 48)
		if cv.loading.Visible() || len(cv.cmap.rects) != 64 {
			t.Errorf("loading shown %v, %d entries on the map", cv.loading.Visible(), len(cv.cmap.rects))
		}
	})
	if !uitest.ShowsText(w, "Count usage over") {
		t.Errorf("no hint to count usage; texts: %v", uitest.Texts(w))
	}
}

func TestCodebookHoverAndClick(t *testing.T) {
	_, cv, _, w := openCodebook(t)
	at := cellCentre(w, cv, 10)
	view.Sync(func() { test.MoveMouse(w.Canvas(), at) })
	if !uitest.ShowsText(w, "code 10") {
		t.Errorf("hovering entry 10 shows %v", uitest.Texts(w))
	}
	view.Sync(func() { test.TapCanvas(w.Canvas(), at) })
	var want, got []int
	view.Sync(func() {
		if cv.selected != 10 || !cv.atlas.sel.Visible() || !cv.cmap.sel.Visible() {
			t.Errorf("selected %d; outlined on atlas %v, map %v", cv.selected, cv.atlas.sel.Visible(), cv.cmap.sel.Visible())
		}
		want = cbook.Neighbors(cv.cb.Vectors, cv.cb.Dim, 10, neighbourCount)
		for _, o := range cv.nearest.Objects {
			uitest.Shown(o, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok {
					var n int
					fmt.Sscan(l.Text, &n)
					got = append(got, n)
				}
			})
		}
	})
	if !slices.Equal(got, want) {
		t.Fatalf("neighbour tiles %v, want %v", got, want)
	}
	// Clicking a neighbour selects it.
	uitest.Tap(cv.nearest.Objects[2].(fyne.Tappable))
	view.Sync(func() {
		if cv.selected != want[2] || cv.selInfo.Text != fmt.Sprintf("code %d", want[2]) {
			t.Errorf("after clicking neighbour %d: selected %d, %q", want[2], cv.selected, cv.selInfo.Text)
		}
	})
	view.Sync(func() { test.MoveMouse(w.Canvas(), fyne.NewPos(2000, 2000)) })
	if uitest.ShowsText(w, "code 10") {
		t.Error("the hover text stays after the mouse left")
	}
}

func TestCodebookMapClickSelects(t *testing.T) {
	_, cv, _, w := openCodebook(t)
	var at fyne.Position
	view.Sync(func() {
		test.LaidOutObjects(w.Content())
		r := cv.cmap.rects[33]
		// The centre of 33's thumbnail might be covered by a later entry;
		// click where 33 is on top.
		for y := r.Min.Y; y < r.Max.Y && at == (fyne.Position{}); y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if topmost(cv.cmap.rects, image.Pt(x, y)) == 33 {
					at = uitest.CanvasPos(w, cv.cmap).Add(fyne.NewPos(float32(x), float32(y)))
					break
				}
			}
		}
		test.TapCanvas(w.Canvas(), at)
		if cv.selected != 33 {
			t.Errorf("clicking entry 33 on the map selected %d", cv.selected)
		}
	})
}

func topmost(rects []image.Rectangle, p image.Point) int {
	for i := len(rects) - 1; i >= 0; i-- {
		if p.In(rects[i]) {
			return i
		}
	}
	return -1
}

func TestCodebookUsageOfAnImage(t *testing.T) {
	env, cv, ctrl, w := openCodebook(t)
	input := uitest.Tiny("vqgan", "input0.png")
	countUsageOf(t, cv, ctrl, w, input)
	// The same count made by the engine's usage job.
	want := uitest.WaitJob(t, env.Session.Usage([]string{input})).(cbook.Usage)
	var dead []int
	view.Sync(func() {
		got := cv.usage.usage
		if !slices.Equal(got.Counts, want.Counts) {
			t.Fatalf("counts %v, want %v", got.Counts, want.Counts)
		}
		dead = want.Dead()
		if len(dead) == 0 || len(dead) == 64 {
			t.Fatalf("%d dead entries: the fixture should use some entries and not others", len(dead))
		}
	})
	line := fmt.Sprintf("input0.png: 64 tokens · perplexity %.1f of 64 · %d dead", want.Perplexity(), len(dead))
	if !uitest.ShowsText(w, line) {
		t.Errorf("usage line %q missing; texts %v", line, uitest.Texts(w))
	}
	used := want.ByUsage()[0]
	at := cellCentre(w, cv, used)
	view.Sync(func() {
		// Dead entries are crossed out in red; used ones are not.
		atlas := cv.atlas.image.Image.(*image.NRGBA)
		corner := func(e int) color.NRGBA {
			return atlas.NRGBAAt(cv.atlas.layout.PatchRect(cv.atlas.cellOf[e]).Min.X, cv.atlas.layout.PatchRect(cv.atlas.cellOf[e]).Min.Y)
		}
		if corner(dead[0]) != deadColour || corner(used) == deadColour {
			t.Errorf("dead entry %d's corner %v, used entry %d's %v", dead[0], corner(dead[0]), used, corner(used))
		}
		test.MoveMouse(w.Canvas(), at)
	})
	if hover := fmt.Sprintf("code %d · used %d×", used, want.Counts[used]); !uitest.ShowsText(w, hover) {
		t.Errorf("hover text %q missing", hover)
	}
	deadAt := cellCentre(w, cv, dead[0])
	view.Sync(func() { test.MoveMouse(w.Canvas(), deadAt) })
	if hover := fmt.Sprintf("code %d · unused (dead)", dead[0]); !uitest.ShowsText(w, hover) {
		t.Errorf("hover text %q missing", hover)
	}
	view.Sync(func() { test.TapCanvas(w.Canvas(), at) })
	if occ := fmt.Sprintf("Occurs %d× in input0.png:", want.Counts[used]); !uitest.ShowsText(w, occ) {
		t.Errorf("occurrence text %q missing; texts %v", occ, uitest.Texts(w))
	}
	view.Sync(func() {
		img := cv.occur.Image.(*image.NRGBA)
		if img.Bounds().Dx() != 32 || !cv.occur.Visible() {
			t.Errorf("occurrence image %v", img.Bounds())
		}
	})
}

func TestCodebookSorts(t *testing.T) {
	_, cv, ctrl, w := openCodebook(t)
	view.Sync(func() {
		if !cv.sorts[byUsage].Disabled() {
			t.Error("sorting by usage is offered before any usage was counted")
		}
	})
	countUsageOf(t, cv, ctrl, w, uitest.Tiny("vqgan", "input0.png"))
	changesAtlas(t, cv, func() { uitest.TapButton(t, w, byUsage) })
	view.Sync(func() {
		counts := cv.usage.usage.Counts
		for i := 1; i < len(cv.order); i++ {
			if counts[cv.order[i]] > counts[cv.order[i-1]] {
				t.Fatalf("usage order %v is not most used first", cv.order)
			}
		}
		// The atlas draws the order: its first cell is the most used entry.
		if e := cv.atlas.entryAt(fyne.NewPos(5, 5)); e != cv.order[0] {
			t.Errorf("first cell shows %d, want %d", e, cv.order[0])
		}
	})
	changesAtlas(t, cv, func() { uitest.TapButton(t, w, byColour) })
	view.Sync(func() {
		if !slices.Equal(cv.order, colourOrder(cv.cb.Patches)) || slices.IsSorted(cv.order) {
			t.Errorf("colour order %v", cv.order)
		}
	})
	changesAtlas(t, cv, func() { uitest.TapButton(t, w, byIndex) })
	view.Sync(func() {
		if !slices.IsSorted(cv.order) {
			t.Errorf("index order %v", cv.order)
		}
	})
}

func TestColourOrder(t *testing.T) {
	solid := func(r, g, b uint8) *image.NRGBA {
		p := image.NewNRGBA(image.Rect(0, 0, 2, 2))
		for i := 0; i < len(p.Pix); i += 4 {
			p.Pix[i], p.Pix[i+1], p.Pix[i+2], p.Pix[i+3] = r, g, b, 255
		}
		return p
	}
	patches := []*image.NRGBA{
		solid(0, 0, 200),     // 0 blue
		solid(200, 200, 200), // 1 light grey
		solid(0, 180, 0),     // 2 green
		solid(200, 0, 0),     // 3 red
		solid(40, 40, 40),    // 4 dark grey
		solid(90, 0, 0),      // 5 dark red
	}
	if got, want := colourOrder(patches), []int{4, 1, 5, 3, 2, 0}; !slices.Equal(got, want) {
		t.Errorf("colour order %v, want %v (greys dark to light, then red, green, blue)", got, want)
	}
}

func TestCodebookZoom(t *testing.T) {
	_, cv, _, w := openCodebook(t)
	var at fyne.Position
	view.Sync(func() {
		test.LaidOutObjects(w.Content())
		at = uitest.CanvasPos(w, cv.zoom).Add(fyne.NewPos(cv.zoom.Size().Width-2, cv.zoom.Size().Height/2))
	})
	// Dragging the slider to its right end zooms in as far as it goes.
	changesAtlas(t, cv, func() { view.Sync(func() { test.Drag(w.Canvas(), at, 20, 0) }) })
	view.Sync(func() {
		if cv.scale != int(cv.zoom.Max) || cv.atlas.layout.Scale != cv.scale {
			t.Fatalf("scale %d, atlas scale %d, slider max %v", cv.scale, cv.atlas.layout.Scale, cv.zoom.Max)
		}
		p := 4 * cv.scale
		checkAtlasFits(t, cv, p+4, p+16)
	})
	before := cv.scale
	changesAtlas(t, cv, func() { uitest.Tap(findIconButton(t, w, "content-remove")) })
	view.Sync(func() {
		if cv.scale != before-1 || cv.zoomText.Text != fmt.Sprintf("%d×", before-1) {
			t.Errorf("zoom out: scale %d, label %q", cv.scale, cv.zoomText.Text)
		}
	})
}

// findIconButton finds a visible button by its icon's name (theme icons
// are named like "zoom-out.svg").
func findIconButton(t *testing.T, w fyne.Window, icon string) *widget.Button {
	t.Helper()
	var found *widget.Button
	view.Sync(func() {
		uitest.Shown(w.Content(), func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Icon != nil && strings.Contains(b.Icon.Name(), icon) {
				found = b
			}
		})
	})
	if found == nil {
		t.Fatalf("no %s button", icon)
	}
	return found
}

func TestCodebookUsageOfAFolder(t *testing.T) {
	_, cv, ctrl, w := openCodebook(t)
	dir := t.TempDir()
	for _, name := range []string{"input0.png", "input1.png"} {
		data, err := os.ReadFile(uitest.Tiny("vqgan", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an image"), 0o644)
	ctrl.SetAnswer(dir)
	changesAtlas(t, cv, func() { uitest.TapButton(t, w, "Folder…") })
	if !uitest.ShowsText(w, filepath.Base(dir)+" (2 images): 128 tokens") {
		t.Errorf("folder usage not shown; texts %v", uitest.Texts(w))
	}
	var most int
	view.Sync(func() { most = cv.usage.usage.ByUsage()[0] })
	at := cellCentre(w, cv, most)
	view.Sync(func() { test.TapCanvas(w.Canvas(), at) })
	if !uitest.ShowsText(w, "pick one image to see where") {
		t.Errorf("a folder's usage offers occurrences; texts %v", uitest.Texts(w))
	}

	ctrl.SetAnswer(t.TempDir()) // no images there
	uitest.TapButton(t, w, "Folder…")
	uitest.WaitFor(t, func() bool { return w.Canvas().Overlays().Top() != nil })
	if !uitest.ShowsText(w, "no PNG or JPEG images in "+ctrl.Answer) {
		t.Errorf("an empty folder gives no error; texts %v", uitest.Texts(w))
	}
}

func TestCodebookUsageOfTheEditorsGrid(t *testing.T) {
	env, cv, _, w := openCodebook(t)
	img, _, err := imgio.Load(uitest.Tiny("vqgan", "input1.png"), 4)
	if err != nil {
		t.Fatal(err)
	}
	grid := uitest.WaitJob(t, env.Session.Encode(img)).(*session.Encoded).Grid
	view.Sync(func() {
		// The Editor offers its grid through Env; stand in for it with a real one.
		env.CurrentGrid = func() (tokens.Grid, bool) { return grid, true }
		cv.current.Enable()
	})
	changesAtlas(t, cv, func() { uitest.TapButton(t, w, "Current grid") })
	if !uitest.ShowsText(w, "the Editor's grid: 64 tokens") {
		t.Errorf("texts %v", uitest.Texts(w))
	}
	view.Sync(func() {
		if cv.usage.grid == nil || !cv.usage.grid.Equal(grid) || cv.usage.image.Bounds().Dx() != 32 {
			t.Errorf("usage source %+v", cv.usage)
		}
	})
}

// The atlas golden is drawn from made-up patches: the tiny model's decoded
// patches change in the last bit with the BLAS kernels' memory alignment,
// which an exact image comparison cannot tolerate. Usage, dead marks, colour
// order, layout and labels are the view's own.
func TestCodebookAtlasGolden(t *testing.T) {
	patches := make([]*image.NRGBA, 64)
	for i := range patches {
		p := image.NewNRGBA(image.Rect(0, 0, 4, 4))
		for y := range 4 {
			for x := range 4 {
				c := color.NRGBA{uint8(i * 4), uint8(255 - i*4), uint8(40 * y), 255}
				if i%8 == 0 { // a few greys
					c.R, c.G, c.B = uint8(i*4), uint8(i*4), uint8(i*4)
				}
				c.R += uint8(8 * x)
				p.SetNRGBA(x, y, c)
			}
		}
		patches[i] = p
	}
	var codes []int
	for i := range 64 {
		if i%5 != 0 { // every fifth entry is dead
			codes = append(codes, slices.Repeat([]int{i}, i%3+1)...)
		}
	}
	u, err := cbook.CountUsage(64, codes)
	if err != nil {
		t.Fatal(err)
	}
	l := cbook.AtlasLayout{Cols: 8, Scale: 6, Patch: 4}
	img := renderAtlas(patches, colourOrder(patches), l, deadEntries(&usageSource{usage: u}))
	test.AssertImageMatches(t, "codebook_atlas.png", img)
}

func TestHistogram(t *testing.T) {
	u := cbook.Usage{Counts: []int{4, 0, 2, 1}, Total: 7}
	img := histogram(u, []int{0, 1, 2, 3}, 2)
	if img.Bounds().Dx() != 4*128 || img.Bounds().Dy() != 64 {
		t.Fatalf("histogram %v", img.Bounds())
	}
	bar := func(i int) (height int, c color.NRGBA) {
		x := i*128 + 64
		for y := 63; y >= 0 && img.NRGBAAt(x, y) != (color.NRGBA{24, 24, 28, 255}); y-- {
			height++
		}
		return height, img.NRGBAAt(x, 63)
	}
	h0, _ := bar(0)
	h1, c1 := bar(1)
	h2, c2 := bar(2)
	h3, _ := bar(3)
	if h0 != 60 || h2 != 30 || h3 != 15 || h1 != 3 || c1 != deadColour || c2 != selectedColour {
		t.Errorf("bars %d %d %d %d, dead %v, selected %v", h0, h1, h2, h3, c1, c2)
	}
}
