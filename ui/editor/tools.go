package editor

import (
	"fmt"
	"image"
	"image/draw"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tool is what a tap or a drag on the grid does.
type tool int

const (
	toolPick   tool = iota // eyedropper: take the code under the pointer
	toolBrush              // paint the brush code
	toolStamp              // drag copies a rectangle, a tap stamps it
	toolRegion             // drag selects the region to resample
	toolMask               // click or drag marks cells to resample
	toolPan                // drag moves the zoomed image
)

// toolOrder is the tool bar, left to right.
var toolOrder = []tool{toolPick, toolBrush, toolStamp, toolRegion, toolMask, toolPan}

// toolInfo names each tool and its key, typed while the grid has the
// keyboard (a click on it gives it); the Hand's help lists the other keys.
var toolInfo = map[tool]struct {
	name, help string
	key        rune
	icon       func() fyne.Resource
}{
	toolPick:   {"Eyedropper", "Click a cell to take its code for the brush.", 'i', theme.ColorPaletteIcon},
	toolBrush:  {"Brush", "Click or drag to paint the brush code.", 'b', theme.DocumentCreateIcon},
	toolStamp:  {"Copy / Stamp", "Drag to copy a rectangle of tokens, then click to stamp it with its top-left corner there.", 'c', theme.ContentCopyIcon},
	toolRegion: {"Region", "Drag to select a region, then Resample it with the transformer, using the Sample view's settings.", 'r', theme.ViewFullScreenIcon},
	toolMask:   {"Mask", "Click or drag to mark cells of any shape (from a marked cell: unmark), then Resample mask.", 'm', theme.RadioButtonCheckedIcon},
	toolPan:    {"Hand", "Drag (or scroll, Shift+drag, arrows) to move the zoomed image. Ctrl+scroll, + and - zoom; 0 fits; G toggles the cell lines.", 'h', theme.ViewRestoreIcon},
}

// typedKey selects the tool of key r, or toggles the grid lines on G.
func (v *editorView) typedKey(r rune) {
	r = unicode.ToLower(r)
	if r == 'g' {
		v.buttons.grid.SetChecked(!v.buttons.grid.Checked)
		return
	}
	for _, t := range toolOrder {
		if toolInfo[t].key == r {
			v.selectTool(t)
			return
		}
	}
}

func (v *editorView) toolBar() []fyne.CanvasObject {
	v.tools = map[tool]*widget.Button{}
	var out []fyne.CanvasObject
	for _, t := range toolOrder {
		info := toolInfo[t]
		b := widget.NewButtonWithIcon(info.name, info.icon(), func() { v.selectTool(t) })
		v.tools[t] = b
		out = append(out, b)
	}
	return out
}

func (v *editorView) selectTool(t tool) {
	v.tool = t
	v.view.Panning = t == toolPan
	for u, b := range v.tools {
		b.Importance = widget.MediumImportance
		if u == t {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
	info := toolInfo[t]
	v.toolHelp.SetText(fmt.Sprintf("%s (key %c): %s", info.name, unicode.ToUpper(info.key), info.help))
}

func (v *editorView) tapped(c image.Point) {
	if !v.editable() {
		return
	}
	switch v.tool {
	case toolPick:
		v.pick(c)
	case toolBrush:
		v.beginStroke()
		v.paint(c, c)
		v.endStroke()
	case toolStamp:
		v.stamp(c)
	case toolRegion:
		v.selectCells(c, c)
	case toolMask:
		v.maskStroke(c, c, true)
	}
}

func (v *editorView) dragged(start, prev, cur image.Point) {
	if !v.editable() {
		return
	}
	switch v.tool {
	case toolPick:
		v.pick(cur)
	case toolBrush:
		if v.before == nil {
			v.beginStroke()
		}
		v.paint(prev, cur)
	case toolStamp, toolRegion:
		v.selectCells(start, cur)
	case toolMask:
		v.maskStroke(prev, cur, !v.maskDrag)
		v.maskDrag = true
	}
}

func (v *editorView) dragEnded() {
	v.maskDrag = false
	switch {
	case v.before != nil:
		v.endStroke()
	case v.tool == toolStamp && !v.sel.Empty():
		v.copySelection()
	}
}

// editable reports whether the grid may change now: not while a resample
// is about to replace it.
func (v *editorView) editable() bool { return v.loaded() && v.resampler == nil }

// noHover takes the two lines a hovered cell's text takes, so the panel
// does not jump.
const noHover = "Point at a cell\nto see its code."

func (v *editorView) hovered(c image.Point, in bool) {
	if !in || !v.loaded() {
		v.hoverText.SetText(noHover)
		v.hoverPatch.Image = nil
		v.hoverPatch.Refresh()
		return
	}
	v.hoverText.SetText(fmt.Sprintf("cell (%d, %d)\ncode %d", c.X, c.Y, v.grid.At(c.X, c.Y)))
	v.hoverPatch.Image = v.patch(c)
	v.hoverPatch.Refresh()
}

// patch is the part of the shown image that cell c decodes to, copied to
// an image of its own (the painter wants bounds starting at 0,0).
func (v *editorView) patch(c image.Point) image.Image {
	if v.shown == nil {
		return nil
	}
	f := v.card.Factor
	out := image.NewNRGBA(image.Rect(0, 0, f, f))
	draw.Draw(out, out.Rect, v.shown, v.shown.Bounds().Min.Add(c.Mul(f)), draw.Src)
	return out
}

func (v *editorView) pick(c image.Point) {
	v.setCode(v.grid.At(c.X, c.Y))
	v.codePatch.Image = v.patch(c)
	v.codePatch.Refresh()
}

// setCode makes code the brush's, showing it in the entry.
func (v *editorView) setCode(code int) {
	v.code = code
	if v.codeEntry.Text != strconv.Itoa(code) {
		v.codeEntry.SetText(strconv.Itoa(code))
	}
}

// typedCode takes a code typed into the entry when it is in the codebook;
// a wrong one is pointed out when the user presses Enter.
func (v *editorView) typedCode(s string, submitted bool) {
	if v.card == nil {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n >= v.card.CodebookSize {
		if submitted {
			v.status.Fail(fmt.Errorf("the brush code must be a number in 0..%d", v.card.CodebookSize-1))
		}
		return
	}
	if n != v.code {
		v.code = n
		v.codePatch.Image = nil
		v.codePatch.Refresh()
	}
}

// paint sets the brush code on every cell on the line from a to b; a code
// the model in use does not have is refused.
func (v *editorView) paint(a, b image.Point) {
	if n := v.card.CodebookSize; v.code < 0 || v.code >= n {
		v.editFailed(fmt.Errorf("editor: the brush code %d is not in this model's codebook (0..%d): nothing painted", v.code, n-1))
		return
	}
	var r image.Rectangle
	for _, c := range cellLine(a, b) {
		if v.grid.At(c.X, c.Y) != v.code {
			v.grid.Set(c.X, c.Y, v.code)
			r = r.Union(image.Rectangle{Min: c, Max: c.Add(image.Pt(1, 1))})
		}
	}
	if !r.Empty() {
		v.changed(r)
	}
}

// cellLine lists the cells from a to b inclusive, one step at a time, so a
// fast drag leaves no gaps.
func cellLine(a, b image.Point) []image.Point {
	d := b.Sub(a)
	n := max(absInt(d.X), absInt(d.Y))
	out := make([]image.Point, 0, n+1)
	for i := 0; i <= n; i++ {
		if n == 0 {
			out = append(out, a)
			break
		}
		out = append(out, image.Pt(a.X+roundDiv(d.X*i, n), a.Y+roundDiv(d.Y*i, n)))
	}
	return out
}

func absInt(a int) int { return max(a, -a) }

// roundDiv divides rounding half away from zero.
func roundDiv(a, n int) int {
	if a < 0 {
		return -((-a + n/2) / n)
	}
	return (a + n/2) / n
}

// selectCells selects the rectangle spanned by two corner cells.
func (v *editorView) selectCells(a, b image.Point) {
	v.sel = image.Rectangle{Min: a, Max: b}.Canon()
	v.sel.Max = v.sel.Max.Add(image.Pt(1, 1))
	v.view.SetSelection(v.sel)
	v.refreshButtons()
}

func (v *editorView) copySelection() {
	r := v.sel
	clip, err := v.grid.Sub(r.Min.X, r.Min.Y, r.Dx(), r.Dy())
	if err != nil {
		v.status.Fail(err)
		return
	}
	v.clip = clip
	v.status.Info(fmt.Sprintf("Copied %d×%d tokens: click where the top-left corner goes to stamp them.", r.Dx(), r.Dy()))
}

// stamp pastes the copied rectangle at c, moved back inside the grid where
// it would stick out.
func (v *editorView) stamp(c image.Point) {
	if v.clip.W == 0 {
		v.status.Info("Nothing copied yet: drag over a rectangle first.")
		return
	}
	x := min(c.X, v.grid.W-v.clip.W)
	y := min(c.Y, v.grid.H-v.clip.H)
	v.beginStroke()
	at := image.Pt(max(x, 0), max(y, 0))
	if err := v.grid.Paste(v.clip, at.X, at.Y); err != nil {
		v.status.Fail(err)
	} else {
		v.changed(image.Rectangle{Min: at, Max: at.Add(image.Pt(v.clip.W, v.clip.H))})
	}
	v.endStroke()
}

// beginStroke remembers the grid before an edit made of many changes;
// endStroke makes them one undo step, if anything changed.
func (v *editorView) beginStroke() {
	g := v.grid.Clone()
	v.before = &g
}

func (v *editorView) endStroke() {
	if b := v.before; b != nil && !b.Equal(v.grid) {
		v.hist.Push(*b)
		v.refreshButtons()
	}
	v.before = nil
}
