package widgets

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// newTestPainter is a 16×16 painter of 5 labels, all 0, in a test window;
// call it and drive the painter under the UI lock.
func newTestPainter(t *testing.T) (*SegPainter, fyne.Window) {
	test.NewTempApp(t)
	p := NewSegPainter(fyne.NewSquareSize(160))
	p.n = 5
	p.fill(16, 16, 0)
	w := test.NewWindow(p)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(200, 200))
	return p, w
}

// at is the widget position of map point (x, y).
func at(p *SegPainter, x, y float32) fyne.Position {
	o, size := p.area(p.Size())
	return fyne.NewPos(o.X+x*size.Width/float32(p.w), o.Y+y*size.Height/float32(p.h))
}

// dragMap drags from map point (x0, y0) to (x1, y1).
func dragMap(w fyne.Window, p *SegPainter, x0, y0, x1, y1 float32) {
	end, start := at(p, x1, y1), at(p, x0, y0)
	test.Drag(w.Canvas(), uitest.Absolute(p, end), end.X-start.X, end.Y-start.Y)
}

// count is how many pixels of the map hold label l.
func count(p *SegPainter, l int) int {
	n := 0
	for _, v := range p.labels {
		if v == l {
			n++
		}
	}
	return n
}

func TestSegPainterUndoRedo(t *testing.T) {
	view.Sync(func() {
		p, w := newTestPainter(t)
		p.radius, p.label = 2, 3
		blank := slices.Clone(p.labels)
		dragMap(w, p, 2.5, 8.5, 13.5, 8.5)
		stroke := slices.Clone(p.labels)
		if count(p, 3) == 0 {
			t.Fatal("the stroke painted nothing")
		}
		p.SetTool(ToolFill)
		p.label = 1
		test.TapAt(p, at(p, 0.5, 0.5))
		if p.labels[0] != 1 || p.labels[8*16+8] != 3 {
			t.Fatalf("the fill gave the corner %d and the stroke %d", p.labels[0], p.labels[8*16+8])
		}
		filled := slices.Clone(p.labels)

		p.TypedShortcut(&fyne.ShortcutUndo{})
		if !slices.Equal(p.labels, stroke) {
			t.Error("Ctrl+Z did not bring back the map before the fill")
		}
		p.Undo()
		if !slices.Equal(p.labels, blank) || p.CanUndo() {
			t.Errorf("a second undo left %d pixels of label 3 (can undo: %v)", count(p, 3), p.CanUndo())
		}
		p.TypedShortcut(&fyne.ShortcutRedo{}) // Ctrl+Y
		p.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift})
		if !slices.Equal(p.labels, filled) || p.CanRedo() {
			t.Error("Ctrl+Y then Ctrl+Shift+Z did not redo the stroke and the fill")
		}
		// A new edit after an undo drops the redo step.
		p.Undo()
		p.SetTool(ToolBrush)
		test.TapAt(p, at(p, 15.5, 15.5))
		if p.CanRedo() {
			t.Error("a redo step survived a new edit")
		}
	})
}

func TestSegPainterEraserPaintsTheBackgroundLabel(t *testing.T) {
	view.Sync(func() {
		p, w := newTestPainter(t)
		p.radius, p.label = 3, 2
		dragMap(w, p, 1.5, 4.5, 14.5, 4.5)
		p.TypedRune('E')
		if p.Tool() != ToolEraser {
			t.Fatalf("E chose tool %d, want the eraser", p.Tool())
		}
		dragMap(w, p, 1.5, 4.5, 14.5, 4.5)
		if n := count(p, 2); n != 0 {
			t.Errorf("the eraser left %d pixels of label 2", n)
		}
		if n := count(p, 0); n != 16*16 {
			t.Errorf("the eraser left %d pixels of label 0, want all", n)
		}
		// It paints the background label chosen, not the brush's.
		p.erase = 4
		test.TapAt(p, at(p, 8.5, 12.5))
		if p.labels[12*16+8] != 4 || count(p, 2) != 0 {
			t.Errorf("the eraser painted %d, want the background label 4", p.labels[12*16+8])
		}
	})
}

func TestSegPainterFillStaysInsideItsRegion(t *testing.T) {
	view.Sync(func() {
		p, _ := newTestPainter(t)
		// A diagonal wall of label 2 from the top right to the bottom left
		// corner: it touches itself only at corners, which a 4-connected
		// fill cannot pass.
		for i := range 16 {
			p.set(15-i, i, 2)
		}
		p.label = 3
		p.TypedRune('f')
		test.TapAt(p, at(p, 0.5, 0.5))
		for y := range 16 {
			for x := range 16 {
				want := 0
				switch {
				case x+y < 15:
					want = 3
				case x+y == 15:
					want = 2
				}
				if got := p.labels[y*16+x]; got != want {
					t.Fatalf("pixel (%d, %d) is %d after the fill, want %d", x, y, got, want)
				}
			}
		}
		// Filling a region with its own label changes nothing and leaves no
		// undo step.
		steps := len(p.history.undo)
		test.TapAt(p, at(p, 0.5, 0.5))
		if len(p.history.undo) != steps {
			t.Error("a fill that changed nothing left an undo step")
		}
	})
}

func TestSegPainterShapes(t *testing.T) {
	view.Sync(func() {
		p, w := newTestPainter(t)
		p.label = 1
		p.TypedRune('r')
		dragMap(w, p, 2.5, 3.5, 6.5, 5.5) // pixels 2..6 × 3..5, dragged past the first end
		for y := range 16 {
			for x := range 16 {
				in := x >= 2 && x <= 6 && y >= 3 && y <= 5
				if got := p.labels[y*16+x]; (got == 1) != in {
					t.Fatalf("pixel (%d, %d) is %d after the rectangle", x, y, got)
				}
			}
		}
		p.Undo()
		p.TypedRune('O')
		p.label = 4
		dragMap(w, p, 0, 0, 16, 16)
		if p.labels[8*16+8] != 4 || p.labels[0] != 0 || p.labels[15] != 0 || p.labels[15*16] != 0 || p.labels[16*16-1] != 0 {
			t.Error("the ellipse should fill the middle and leave the corners")
		}
		if p.labels[8*16] != 4 || p.labels[8*16+15] != 4 || p.labels[8] != 4 || p.labels[15*16+8] != 4 {
			t.Error("the ellipse should reach the middle of each side")
		}
		if n := count(p, 4); n < 190 || n > 215 { // π·8² ≈ 201
			t.Errorf("the ellipse covers %d pixels, want about 201", n)
		}
		if count(p, 1) != 0 {
			t.Error("undo left the rectangle")
		}
	})
}

// The toolbar: a key or a button chooses the tool, which the buttons
// show; Undo and Redo are enabled when there is a step.
func TestCondPickerPaintToolbar(t *testing.T) {
	env, _ := uitest.Env(t)
	c := NewCondPicker(env, NewStatusLine(), fyne.NewSquareSize(200))
	w := uitest.Window(t, env, c.Content)
	m, _ := uitest.OpenModel(t, env, "seg_transformer")
	view.Sync(func() { c.ModelChanged(m, 16, 16) })
	undo, redo := uitest.FindButton(t, w, "Undo"), uitest.FindButton(t, w, "Redo")
	if !uitest.Disabled(undo) || !uitest.Disabled(redo) {
		t.Error("Undo or Redo is enabled before any edit")
	}
	uitest.TapButton(t, w, "Rectangle (R)")
	view.Sync(func() {
		p := c.Painter()
		if p.Tool() != ToolRectangle || c.tools.tools[3].Importance != widget.HighImportance {
			t.Errorf("the Rectangle button chose tool %d", p.Tool())
		}
		p.TypedRune('b')
		if p.Tool() != ToolBrush || c.tools.tools[0].Importance != widget.HighImportance || c.tools.tools[3].Importance == widget.HighImportance {
			t.Error("B did not choose and show the brush")
		}
		test.TapAt(p, at(p, 8.5, 8.5))
	})
	if uitest.Disabled(undo) {
		t.Fatal("Undo is disabled after a dab")
	}
	uitest.Tap(undo)
	view.Sync(func() {
		if n := count(c.Painter(), 0); n != 16*16 {
			t.Errorf("the Undo button left %d of 256 pixels blank", n)
		}
	})
	if uitest.Disabled(redo) || !uitest.Disabled(undo) {
		t.Error("after the undo Redo should be enabled and Undo not")
	}
}
