package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// squeezeRow lays out the status bar's row so that long texts give way
// instead of widening the window: each object first gets its minimum width
// (a truncating label's is a few characters), then the objects in grow
// get, in that order, what they want to show whole; the first object (the
// model) takes what is left.
type squeezeRow struct{ grow []growing }

// growing is an object of a squeezeRow, by index, and the width it wants.
type growing struct {
	index int
	want  func() float32
}

func (r squeezeRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var size fyne.Size
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		size.Width += m.Width
		size.Height = max(size.Height, m.Height)
		n++
	}
	if n > 1 {
		size.Width += float32(n-1) * theme.Padding()
	}
	return size
}

func (r squeezeRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	widths := make([]float32, len(objs))
	for i, o := range objs {
		if o.Visible() {
			widths[i] = o.MinSize().Width
		}
	}
	left := size.Width - r.MinSize(objs).Width
	for _, g := range r.grow {
		if left <= 0 {
			break
		}
		if objs[g.index].Visible() {
			more := min(max(g.want()-widths[g.index], 0), left)
			widths[g.index] += more
			left -= more
		}
	}
	if left > 0 {
		widths[0] += left
	}
	x := float32(0)
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(widths[i], size.Height))
		x += widths[i] + theme.Padding()
	}
}

// wholeWidth is the width a label needs to show text without truncation,
// and a little more: a real window measures text in device pixels and
// rounds up, so a label given exactly its width can still be cut.
func wholeWidth(text string) float32 { return widget.NewLabel(text).MinSize().Width + 2 }
