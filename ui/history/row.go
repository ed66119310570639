package history

import (
	"fmt"
	"image"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/outputs"
	"tessera/engine/pipeline"
	"tessera/ui/widgets"
)

// Texts of a row's buttons and of a file without Tessera's data, shared
// with the tests.
const (
	OpenText    = "Open in Editor"
	ReuseText   = "Reuse settings"
	ShowText    = "Show file"
	DeleteText  = "Delete"
	ForeignText = "no Tessera data"
)

// row is one file of the history: its thumbnail, what it says of itself
// and the actions. A tree reuses rows for other files: show fills one.
type row struct {
	widget.BaseWidget
	b                          *Browser
	thumb                      *canvas.Image
	about                      *widget.Label
	open, reuse, reveal, trash *widget.Button
	box                        fyne.CanvasObject
	path                       string
}

func newRow(b *Browser) *row {
	r := &row{b: b, about: widget.NewLabel("")}
	r.thumb = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	r.thumb.SetMinSize(fyne.NewSquareSize(thumbSize))
	r.about.Wrapping = fyne.TextWrapWord
	r.open = widget.NewButtonWithIcon(OpenText, theme.DocumentCreateIcon(), func() { b.openInEditor(r.path) })
	r.reuse = widget.NewButtonWithIcon(ReuseText, theme.ContentRedoIcon(), func() { b.reuse(r.path) })
	r.reveal = widget.NewButtonWithIcon(ShowText, theme.FolderOpenIcon(), func() { b.showFile(r.path) })
	r.trash = widget.NewButtonWithIcon(DeleteText, theme.DeleteIcon(), func() { b.confirmDelete(r.path) })
	buttons := container.NewGridWithColumns(2, r.open, r.reuse, r.reveal, r.trash)
	r.box = container.NewBorder(nil, nil, r.thumb, container.NewCenter(buttons), r.about)
	r.ExtendBaseWidget(r)
	return r
}

func (r *row) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

// show fills the row with e.
func (r *row) show(e outputs.Entry) {
	r.path = e.Path
	r.thumb.Image = r.b.thumbs.get(e.Path, func(img image.Image) {
		if r.path == e.Path {
			r.thumb.Image = img
			r.thumb.Refresh()
		}
	})
	r.thumb.Refresh()
	ok, why := r.b.editable(e)
	text := describe(e)
	if !ok && e.Tessera() {
		text += "\nEditor: " + why
	}
	r.about.SetText(text)
	widgets.Enable(r.open, ok)
	widgets.Enable(r.reuse, e.Tessera() && r.b.env.ReuseSettings != nil)
}

// describe is what a file says of itself: when, model, seed, size, then
// the condition and filters.
func describe(e outputs.Entry) string {
	name := filepath.Base(e.Path)
	if !e.Tessera() {
		return fmt.Sprintf("%s · %s\n%s", name, ForeignText, e.Err)
	}
	p := e.Params
	head := []string{e.Made.Format("15:04:05"), outputs.ModelName(e.Model())}
	if op, ok := p["operation"].(string); ok && op != "sample" {
		head = append(head, op)
	}
	if pipeline.IsPartial(p) {
		head = append(head, widgets.PartialText)
	}
	if seed, ok := p["seed"]; ok {
		head = append(head, fmt.Sprintf("seed %v", seed))
	}
	head = append(head, fmt.Sprintf("%d×%d tokens", e.Grid.W, e.Grid.H))
	var how []string
	if c, ok := p["class"]; ok {
		how = append(how, fmt.Sprintf("class %v", c))
	}
	if c, ok := p["condition"]; ok {
		how = append(how, fmt.Sprint(c))
	}
	if _, ok := p["top_k"]; ok {
		how = append(how, fmt.Sprintf("top-k %v · top-p %v · T %v", p["top_k"], p["top_p"], p["temperature"]))
	}
	return strings.Join(head, " · ") + "\n" + strings.Join(how, " · ")
}
