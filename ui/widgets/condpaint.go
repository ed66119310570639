package widgets

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/model"
)

// paintTools are the painter's toolbar: a button per tool (the chosen one
// highlighted), undo and redo.
type paintTools struct {
	tools      []*widget.Button
	undo, redo *widget.Button
}

// toolText is a tool button's text: the tool's name and its key.
func toolText(name string, key rune) string {
	return fmt.Sprintf("%s (%s)", name, strings.ToUpper(string(key)))
}

func (c *CondPicker) labelControls(spec *model.CondSpec, w, h int) []fyne.CanvasObject {
	c.labels, c.names = spec.Labels, spec.Names
	p := NewSegPainter(c.paintSz)
	c.painter = p
	p.n = spec.Labels
	p.colors = labelPalette(spec.Labels, spec.Names)
	brush := widget.NewSlider(1, 2)
	brushText := widget.NewLabel("")
	brush.OnChanged = func(r float64) {
		p.radius = int(r)
		brushText.SetText(fmt.Sprintf("Brush %d px", int(r)))
	}
	// The brush goes up to a quarter of the map, starting at a sixteenth.
	p.onSize = func(w, h int) {
		brush.Max = float64(max(2, max(w, h)/4))
		brush.SetValue(float64(max(1, max(w, h)/16)))
	}
	p.fill(w, h, 0)

	t := &paintTools{}
	c.tools = t
	grid := container.NewGridWithColumns(3)
	for _, tool := range segTools {
		b := widget.NewButton(toolText(tool.name, tool.key), func() { p.SetTool(tool.tool) })
		t.tools = append(t.tools, b)
		grid.Add(b)
	}
	p.onTool = t.show
	t.show(p.tool)
	t.undo = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), p.Undo)
	t.redo = widget.NewButtonWithIcon("Redo", theme.ContentRedoIcon(), p.Redo)
	p.onChange = c.painted
	t.follow(p)

	opts := make([]string, spec.Labels)
	for l := range opts {
		opts[l] = labelName(l, c.names)
	}
	eraser := widget.NewSelect(opts, nil)
	eraser.SetSelectedIndex(0)
	eraser.OnChanged = func(string) { p.erase = max(eraser.SelectedIndex(), 0) }

	load := widget.NewButtonWithIcon("Load label map…", theme.FolderOpenIcon(), c.loadLabels)
	fill := widget.NewButtonWithIcon("Fill all", theme.ContentClearIcon(), func() {
		p.remember()
		p.fill(p.w, p.h, p.label)
		p.changed()
	})
	return []fyne.CanvasObject{
		widget.NewLabel(fmt.Sprintf("Paint the segmentation (labels 0..%d):", spec.Labels-1)),
		p,
		newLegend(p, c.names),
		grid,
		container.NewBorder(nil, nil, brushText, nil, brush),
		widget.NewForm(widget.NewFormItem("Eraser paints", eraser)),
		container.NewHBox(t.undo, t.redo, load, fill),
	}
}

// painted follows an edit of the map: it is no longer the loaded file.
func (c *CondPicker) painted() {
	c.mapName = ""
	c.tools.follow(c.painter)
}

// show highlights the tool in use.
func (t *paintTools) show(tool SegTool) {
	for i, b := range t.tools {
		b.Importance = widget.MediumImportance
		if segTools[i].tool == tool {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
}

// follow enables undo and redo when there is a step to take.
func (t *paintTools) follow(p *SegPainter) {
	Enable(t.undo, p.CanUndo())
	Enable(t.redo, p.CanRedo())
}
