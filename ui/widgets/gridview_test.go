package widgets

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// testPattern is a 32x32 image of smooth colour ramps with a dark diagonal,
// independent of any model's weights.
func testPattern() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	for y := range 32 {
		for x := range 32 {
			c := color.NRGBA{R: uint8(x * 8), G: uint8(y * 8), B: 160, A: 255}
			if x == y || x == y+1 {
				c = color.NRGBA{R: 20, G: 20, B: 40, A: 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// gridWindow shows a GridView of the test pattern as 8x8 cells alone in a
// window.
func gridWindow(t *testing.T) (*GridView, fyne.Window) {
	test.NewTempApp(t)
	g := NewGridView()
	g.SetImage(testPattern(), 8, 8)
	w := test.NewWindow(container.NewStack(g))
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(240, 200))
	return g, w
}

// The widget tests run under the UI lock: jobs of earlier tests may still
// be applying their results.

func TestGridOverlayGolden(t *testing.T) {
	view.Sync(func() { gridOverlayGolden(t) })
}

func gridOverlayGolden(t *testing.T) {
	g, w := gridWindow(t)
	g.SetSelection(image.Rect(1, 1, 4, 3))
	test.MoveMouse(w.Canvas(), uitest.Absolute(g, g.CellCentre(image.Pt(6, 5))))
	test.AssertImageMatches(t, "gridview_overlay.png", w.Canvas().Capture())

	g.SetGridVisible(false)
	g.SetSelection(image.Rectangle{})
	test.MoveMouse(w.Canvas(), fyne.NewPos(1, 1)) // off the image: no hover
	test.AssertImageMatches(t, "gridview_plain.png", w.Canvas().Capture())
}

func TestGridViewReportsCells(t *testing.T) {
	view.Sync(func() { gridViewReportsCells(t) })
}

func gridViewReportsCells(t *testing.T) {
	g, w := gridWindow(t)
	var taps []image.Point
	var drags [][3]image.Point
	ended := 0
	g.OnTap = func(c image.Point) { taps = append(taps, c) }
	g.OnDrag = func(s, p, c image.Point) { drags = append(drags, [3]image.Point{s, p, c}) }
	g.OnDragEnd = func() { ended++ }

	test.TapAt(g, g.CellCentre(image.Pt(3, 7)))
	test.TapAt(g, fyne.NewPos(2, 2)) // left of the image: the area is centred
	if len(taps) != 1 || taps[0] != image.Pt(3, 7) {
		t.Errorf("taps %v, want [(3,7)]", taps)
	}
	// A drag that ends past the right edge is clamped to the last column.
	from := g.CellCentre(image.Pt(1, 2))
	to := fyne.NewPos(g.Size().Width-1, from.Y)
	test.Drag(w.Canvas(), uitest.Absolute(g, to), to.X-from.X, 0)
	if len(drags) != 1 || drags[0] != [3]image.Point{{1, 2}, {1, 2}, {7, 2}} || ended != 1 {
		t.Errorf("drags %v, %d ends", drags, ended)
	}
}
