package widgets

import (
	"slices"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// SetTool chooses what presses and drags do.
func (p *SegPainter) SetTool(t SegTool) {
	p.tool = t
	if p.onTool != nil {
		p.onTool(t)
	}
}

// Tool is the tool in use.
func (p *SegPainter) Tool() SegTool { return p.tool }

// paintLabel is the label the tool in use paints.
func (p *SegPainter) paintLabel() int {
	if p.tool == ToolEraser {
		return p.erase
	}
	return p.label
}

// Tapped takes the keyboard, then dabs the brush or eraser, or floods the
// region under the pointer.
func (p *SegPainter) Tapped(e *fyne.PointEvent) {
	p.takeKeyboard()
	x, y := p.pixelAt(e.Position)
	p.remember()
	switch p.tool {
	case ToolBrush, ToolEraser:
		p.dab(x, y, p.paintLabel())
	case ToolFill:
		if !p.floodFill(int(x), int(y), p.label) {
			p.forget()
			return
		}
	default: // a shape needs a drag
		p.forget()
		return
	}
	p.changed()
}

// Dragged paints along the pointer's path since the last event, or draws
// the shape from where the drag started to the pointer.
func (p *SegPainter) Dragged(e *fyne.DragEvent) {
	x1, y1 := p.pixelAt(e.Position)
	x0, y0 := p.pixelAt(e.Position.Subtract(fyne.NewPos(e.Dragged.DX, e.Dragged.DY)))
	if !p.painting {
		p.takeKeyboard()
		p.painting = true
		p.remember()
		p.before = slices.Clone(p.labels)
		p.startX, p.startY = x0, y0
	}
	switch p.tool {
	case ToolBrush, ToolEraser:
		p.stroke(x0, y0, x1, y1, p.paintLabel())
	case ToolRectangle, ToolEllipse:
		p.setLabels(p.before, p.w, p.h)
		p.shape(p.tool, p.startX, p.startY, x1, y1, p.label)
	case ToolFill:
		// A fill happens on a tap; a drag does nothing.
	}
	p.Refresh()
}

func (p *SegPainter) DragEnd() {
	if !p.painting {
		return
	}
	p.painting = false
	if slices.Equal(p.before, p.labels) {
		p.forget()
	}
	p.before = nil
	p.changed()
}

// takeKeyboard focuses the painter, for the tool keys and Ctrl+Z.
func (p *SegPainter) takeKeyboard() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(p); c != nil {
		c.Focus(p)
	}
}

// FocusGained and FocusLost are the painter's part of fyne.Focusable.
func (p *SegPainter) FocusGained() {}
func (p *SegPainter) FocusLost()   {}

// TypedRune chooses a tool by its key (B, E, F, R, O).
func (p *SegPainter) TypedRune(r rune) {
	r = unicode.ToLower(r)
	for _, t := range segTools {
		if t.key == r {
			p.SetTool(t.tool)
			return
		}
	}
}

func (p *SegPainter) TypedKey(*fyne.KeyEvent) {}

// TypedShortcut undoes on Ctrl+Z and redoes on Ctrl+Shift+Z or Ctrl+Y
// (the studio's menu passes them on while the painter has the keyboard).
func (p *SegPainter) TypedShortcut(s fyne.Shortcut) {
	switch s := s.(type) {
	case *fyne.ShortcutUndo:
		p.Undo()
	case *fyne.ShortcutRedo:
		p.Redo()
	case *desktop.CustomShortcut:
		if s.KeyName == fyne.KeyZ && s.Modifier&fyne.KeyModifierShift != 0 && s.Modifier&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0 {
			p.Redo()
		}
	}
}
