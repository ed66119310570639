package widgets

import (
	"fmt"
	"math/rand"
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
	brushNum := NewNumberField("Brush", brush, 0)
	// The brush goes up to a quarter of the map, starting at a sixteenth.
	p.onSize = func(w, h int) {
		brush.Max = float64(max(2, max(w, h)/4))
		brush.SetValue(float64(max(1, max(w, h)/16)))
	}
	c.startMap(w, h)

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
	// Two buttons a row keep the controls within the narrow pane.
	files := container.NewGridWithColumns(2, load, fill)
	if landscapeIDs(c.names) != nil {
		files.Add(widget.NewButtonWithIcon("New layout", theme.ViewRefreshIcon(), func() { c.newLayout(rand.Int63()) }))
	}
	return []fyne.CanvasObject{
		widget.NewLabel(fmt.Sprintf("Paint the segmentation (labels 0..%d):", spec.Labels-1)),
		p,
		newLegend(p, c.names),
		grid,
		brushNum.Row(brushText),
		widget.NewForm(widget.NewFormItem("Eraser paints", eraser)),
		container.NewGridWithColumns(2, t.undo, t.redo),
		files,
	}
}

// startMap shows the shared map at w×h; a model's first map is a
// landscape layout when its labels are the landscapes', else label 0.
func (c *CondPicker) startMap(w, h int) {
	share := c.env.Cond()
	labels, mw, mh := share.Map()
	if labels == nil {
		labels, mw, mh = landscapeLayout(firstLayoutSeed, w, h, c.names), w, h
		if labels == nil {
			labels = make([]int, w*h)
		}
		share.StartMap(labels, w, h)
	}
	c.painter.setLabels(scaleLabels(labels, mw, mh, w, h), w, h)
}

// newLayout replaces the map by the landscape layout of seed (undoable).
func (c *CondPicker) newLayout(seed int64) {
	p := c.painter
	labels := landscapeLayout(seed, p.w, p.h, c.names)
	if labels == nil {
		return
	}
	p.remember()
	p.setLabels(labels, p.w, p.h)
	p.changed()
}

// painted follows an edit of the map: it is no longer the loaded file, and
// the other view and the saved map follow.
func (c *CondPicker) painted() {
	c.mapName = ""
	c.tools.follow(c.painter)
	c.env.Cond().SetMap(c, c.painter.labels, c.painter.w, c.painter.h)
}
