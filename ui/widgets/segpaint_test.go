package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestSegPainterGolden(t *testing.T) {
	view.Sync(func() { SegPainterGolden(t) }) // see TestGridOverlayGolden
}

func SegPainterGolden(t *testing.T) {
	test.NewTempApp(t)
	p := NewSegPainter(fyne.NewSquareSize(160))
	p.n = 5
	p.fill(16, 16, 0)
	p.radius = 2
	legend := newLegend(p, []string{"sky", "grass", "", "water", "rock"})
	w := test.NewWindow(container.NewVBox(p, legend))
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(300, 300))

	button := func(text string) *widget.Button {
		for _, o := range test.LaidOutObjects(legend) {
			if b, ok := o.(*widget.Button); ok && b.Text == text {
				return b
			}
		}
		t.Fatalf("no legend entry %q", text)
		return nil
	}
	at, size := p.area(p.Size())
	px := func(x, y float32) fyne.Position { return fyne.NewPos(at.X+x*size.Width/16, at.Y+y*size.Height/16) }

	test.Tap(button("1 · grass"))
	p.radius = 3
	test.Drag(w.Canvas(), uitest.Absolute(p, px(15.5, 12.5)), px(15.5, 12.5).X-px(0.5, 12.5).X, 0)
	test.Tap(button("3 · water"))
	p.radius = 1
	test.Drag(w.Canvas(), uitest.Absolute(p, px(12.5, 9.5)), px(12.5, 9.5).X-px(4.5, 3.5).X, px(12.5, 9.5).Y-px(4.5, 3.5).Y)
	test.Tap(button("4 · rock"))
	test.TapAt(p, px(3.5, 12.5))
	test.Tap(button("2"))

	if p.label != 2 || p.labels[12*16+8] != 1 || p.labels[12*16+3] != 4 {
		t.Errorf("label %d, painted %d and %d", p.label, p.labels[12*16+8], p.labels[12*16+3])
	}
	test.AssertImageMatches(t, "segpaint.png", w.Canvas().Capture())
}

func TestPaletteColoursDiffer(t *testing.T) {
	seen := map[[3]uint8]int{}
	for l := range 40 {
		c := labelColor(l)
		k := [3]uint8{c.R, c.G, c.B}
		if o, ok := seen[k]; ok {
			t.Errorf("labels %d and %d share a colour", o, l)
		}
		seen[k] = l
	}
}
