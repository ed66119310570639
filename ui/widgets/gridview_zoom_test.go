package widgets

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"tessera/engine/tokens"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestGridViewMapsCellsWhenZoomedAndPanned(t *testing.T) {
	view.Sync(func() { gridViewMapsCellsWhenZoomedAndPanned(t) })
}

func gridViewMapsCellsWhenZoomedAndPanned(t *testing.T) {
	g, w := gridWindow(t)
	var taps []image.Point
	g.OnTap = func(c image.Point) { taps = append(taps, c) }
	tap := func(p fyne.Position) image.Point {
		taps = nil
		test.TapAt(g, p)
		if len(taps) != 1 {
			t.Fatalf("a tap at %v reported %v", p, taps)
		}
		return taps[0]
	}
	size := g.Size()
	mid := fyne.NewPos(size.Width/2, size.Height/2)
	fit := min(size.Width, size.Height) / 8 // a cell's edge, fitted
	// A point half a cell right of and below centre, at 2x: cell (4,4).
	g.ZoomIn()
	g.ZoomAbout(2/zoomStep, mid)
	cw := 2 * fit
	if g.Zoom() != 2 {
		t.Fatalf("zoom %v, want 2", g.Zoom())
	}
	below := mid.Add(fyne.NewPos(cw/2, cw/2))
	if c := tap(below); c != image.Pt(4, 4) {
		t.Errorf("at 2x the cell right below the centre is %v, want (4,4)", c)
	}
	if c := tap(mid.Subtract(fyne.NewPos(cw/2, cw/2))); c != image.Pt(3, 3) {
		t.Errorf("at 2x the cell left above the centre is %v, want (3,3)", c)
	}
	// Panning right by a cell brings the cell to its left under the point.
	g.PanBy(cw, 0)
	if c := tap(below); c != image.Pt(3, 4) {
		t.Errorf("after panning a cell right: %v, want (3,4)", c)
	}
	// Scrolling down by a cell pans the image up by one.
	test.Scroll(w.Canvas(), uitest.Absolute(g, mid), 0, -cw)
	if c := tap(below); c != image.Pt(3, 5) {
		t.Errorf("after scrolling a cell down: %v, want (3,5)", c)
	}
	// The image cannot be pushed off: its left edge stops at the widget's.
	g.PanBy(1e6, 0)
	if c := tap(fyne.NewPos(1, mid.Y)); c.X != 0 {
		t.Errorf("panned far right, the left edge shows column %d", c.X)
	}
	// Zooming about a point keeps the cell under it.
	g.Fit()
	left := fyne.NewPos((size.Width-8*fit)/2, (size.Height-8*fit)/2)
	p := left.Add(fyne.NewPos(6.5*fit, 5.5*fit))
	if c := tap(p); c != image.Pt(6, 5) {
		t.Fatalf("fitted, the cell at %v is %v, want (6,5)", p, c)
	}
	for range 3 {
		g.ZoomAbout(zoomStep, p)
	}
	if c := tap(p); c != image.Pt(6, 5) {
		t.Errorf("zooming about (6,5) moved it: %v is under the point", c)
	}
	if c := tap(g.CellCentre(image.Pt(7, 7))); c != image.Pt(7, 7) {
		t.Errorf("CellCentre(7,7) is on %v", c)
	}
}

func TestGridViewZoomKeysAndLimits(t *testing.T) {
	view.Sync(func() { gridViewZoomKeysAndLimits(t) })
}

func gridViewZoomKeysAndLimits(t *testing.T) {
	g, w := gridWindow(t)
	var runes []rune
	g.OnRune = func(r rune) { runes = append(runes, r) }
	test.TapAt(g, g.CellCentre(image.Pt(1, 1)))
	if w.Canvas().Focused() != g {
		t.Fatal("a click on the grid does not give it the keyboard")
	}
	test.Type(w.Canvas().Focused(), "b0")
	if string(runes) != "b" {
		t.Errorf("the caller got the keys %q, want only \"b\" (0 fits)", string(runes))
	}
	for _, k := range []struct {
		r    rune
		want float32
	}{{'+', zoomStep}, {'=', zoomStep * zoomStep}, {'-', zoomStep}, {'0', 1}} {
		g.TypedRune(k.r)
		if z := g.Zoom(); z < k.want*0.999 || z > k.want*1.001 {
			t.Errorf("after %q the zoom is %v, want %v", k.r, z, k.want)
		}
	}
	for range 40 {
		g.ZoomIn()
	}
	if g.Zoom() != maxZoom {
		t.Errorf("zoomed in 40 times: %v, want the limit %v", g.Zoom(), float32(maxZoom))
	}
	// A grid of another size is shown fitted; the same size keeps the zoom.
	g.SetImage(testPattern(), 8, 8)
	if g.Zoom() != maxZoom {
		t.Error("a new image of the same grid lost the zoom")
	}
	g.SetImage(testPattern(), 4, 4)
	if g.Zoom() != 1 {
		t.Errorf("a grid of another size is shown at zoom %v", g.Zoom())
	}
}

func TestGridZoomedGolden(t *testing.T) {
	view.Sync(func() { gridZoomedGolden(t) })
}

// At 2.5x, panned up and left: the image, its lines, the marks and the
// selection are cut at the widget's edges.
func gridZoomedGolden(t *testing.T) {
	g, w := gridWindow(t)
	pending, mask := tokens.NewMask(8, 8), tokens.NewMask(8, 8)
	pending.Set(5, 5, true)
	for _, c := range []image.Point{{4, 4}, {5, 4}, {4, 3}, {7, 6}} {
		mask.Set(c.X, c.Y, true)
	}
	g.SetPending(pending)
	g.SetMask(mask)
	g.SetSelection(image.Rect(1, 1, 4, 3))
	g.ZoomAbout(2.5, fyne.NewPos(g.Size().Width/2, g.Size().Height/2))
	g.PanBy(-40, -30)
	test.AssertImageMatches(t, "gridview_zoomed.png", w.Canvas().Capture())
}
