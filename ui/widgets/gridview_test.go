package ui

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
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

// gridWindow shows a gridView of the test pattern as 8x8 cells alone in a
// window.
func gridWindow(t *testing.T) (*gridView, fyne.Window) {
	test.NewTempApp(t)
	g := newGridView()
	g.setImage(testPattern(), 8, 8)
	w := test.NewWindow(container.NewStack(g))
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(240, 200))
	return g, w
}

// The widget tests run under the UI lock: jobs of earlier tests may still
// be applying their results.

func TestGridOverlayGolden(t *testing.T) {
	Sync(func() { gridOverlayGolden(t) })
}

func gridOverlayGolden(t *testing.T) {
	g, w := gridWindow(t)
	g.setSelection(image.Rect(1, 1, 4, 3))
	test.MoveMouse(w.Canvas(), absolute(g, cellPos(g, image.Pt(6, 5))))
	test.AssertImageMatches(t, "gridview_overlay.png", w.Canvas().Capture())

	g.setGridVisible(false)
	g.setSelection(image.Rectangle{})
	test.MoveMouse(w.Canvas(), fyne.NewPos(1, 1)) // off the image: no hover
	test.AssertImageMatches(t, "gridview_plain.png", w.Canvas().Capture())
}

func TestGridViewReportsCells(t *testing.T) {
	Sync(func() { gridViewReportsCells(t) })
}

func gridViewReportsCells(t *testing.T) {
	g, w := gridWindow(t)
	var taps []image.Point
	var drags [][3]image.Point
	ended := 0
	g.onTap = func(c image.Point) { taps = append(taps, c) }
	g.onDrag = func(s, p, c image.Point) { drags = append(drags, [3]image.Point{s, p, c}) }
	g.onDragEnd = func() { ended++ }

	test.TapAt(g, cellPos(g, image.Pt(3, 7)))
	test.TapAt(g, fyne.NewPos(2, 2)) // left of the image: the area is centred
	if len(taps) != 1 || taps[0] != image.Pt(3, 7) {
		t.Errorf("taps %v, want [(3,7)]", taps)
	}
	// A drag that ends past the right edge is clamped to the last column.
	from := cellPos(g, image.Pt(1, 2))
	to := fyne.NewPos(g.Size().Width-1, from.Y)
	test.Drag(w.Canvas(), absolute(g, to), to.X-from.X, 0)
	if len(drags) != 1 || drags[0] != [3]image.Point{{1, 2}, {1, 2}, {7, 2}} || ended != 1 {
		t.Errorf("drags %v, %d ends", drags, ended)
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
