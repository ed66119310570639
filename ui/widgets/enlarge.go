package widgets

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/outputs"
	"tessera/engine/pipeline"
)

// Titles of the Enlarge and Compare dialogs, shared with the tests.
const (
	EnlargeTitle = "Full size"
	CompareTitle = "Compare"
)

// leastShown is the size in pixels below which an enlarged image is
// magnified by a whole factor: a model's native result can be 32 pixels.
const leastShown = 512

// ShowEnlarged shows a result at full size (small ones magnified by a whole
// factor, pixels kept sharp) in a scrollable dialog over w.
func ShowEnlarged(r pipeline.Result, w fyne.Window) {
	showResults(EnlargeTitle, []pipeline.Result{r}, w)
}

// ShowCompared shows two results side by side, at one scale.
func ShowCompared(a, b pipeline.Result, w fyne.Window) {
	showResults(CompareTitle, []pipeline.Result{a, b}, w)
}

func showResults(title string, rs []pipeline.Result, w fyne.Window) {
	if w == nil {
		return
	}
	longest := 1
	for _, r := range rs {
		b := r.Image.Bounds()
		longest = max(longest, b.Dx(), b.Dy())
	}
	zoom := max(1, leastShown/longest)
	cols := make([]fyne.CanvasObject, len(rs))
	for i, r := range rs {
		about := widget.NewLabel(outputs.ModelName(modelOf(r.Params)) + "\n" + Summary(r.Params))
		cols[i] = container.NewBorder(nil, about, nil, nil, container.NewScroll(container.NewCenter(magnified(r.Image, zoom))))
	}
	d := dialog.NewCustom(title, "Close", container.NewGridWithColumns(len(cols), cols...), w)
	d.Resize(w.Canvas().Size().SubtractWidthHeight(60, 60))
	d.Show()
}

// magnified is img drawn zoom times its size.
func magnified(img image.Image, zoom int) *canvas.Image {
	c := &canvas.Image{Image: img, FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	b := img.Bounds()
	c.SetMinSize(fyne.NewSize(float32(b.Dx()*zoom), float32(b.Dy()*zoom)))
	return c
}

func modelOf(p map[string]any) string { m, _ := p["model"].(string); return m }
