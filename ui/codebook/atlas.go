package codebook

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	cbook "tessera/engine/codebook"
)

// Highlight colours of the codebook explorer.
var (
	hoverColour    = color.NRGBA{255, 255, 255, 255}
	selectedColour = color.NRGBA{255, 196, 0, 255}
	deadColour     = color.NRGBA{230, 40, 40, 255}
)

// atlasWidget shows the codebook atlas image (one atlas pixel per unit),
// tells which entry is under the mouse and which one is clicked, and
// outlines the hovered and the selected entry.
type atlasWidget struct {
	widget.BaseWidget
	image      *canvas.Image
	hover, sel *canvas.Rectangle
	box        *fyne.Container

	layout  cbook.AtlasLayout
	order   []int           // the entry in each cell
	cellOf  []int           // the cell of each entry
	onHover func(entry int) // -1 when the mouse leaves the entries
	onTap   func(entry int)
	// onWidth is told the width the atlas is given, so the view can fit
	// its columns to it.
	onWidth func(width float32)
}

func newAtlasWidget(onHover, onTap func(int)) *atlasWidget {
	a := &atlasWidget{image: canvas.NewImageFromImage(nil), onHover: onHover, onTap: onTap}
	a.image.ScaleMode = canvas.ImageScalePixels // patches are a few pixels: keep them sharp
	a.hover, a.sel = outline(hoverColour), outline(selectedColour)
	a.box = container.NewWithoutLayout(a.image, a.hover, a.sel)
	a.ExtendBaseWidget(a)
	return a
}

func outline(c color.Color) *canvas.Rectangle {
	r := canvas.NewRectangle(color.Transparent)
	r.StrokeColor, r.StrokeWidth = c, 2
	r.Hide()
	return r
}

func (a *atlasWidget) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(a.box) }

// MinSize is one column of the atlas across and the whole atlas down:
// the view fits the columns to the width it is given, and the vertical
// scroll around it shows the rows.
func (a *atlasWidget) MinSize() fyne.Size {
	if a.image.Image == nil {
		return fyne.Size{}
	}
	cell, _ := cbook.AtlasLayout{Cols: 1, Scale: a.layout.Scale, Patch: a.layout.Patch}.Size(1)
	return fyne.NewSize(float32(cell), float32(a.image.Image.Bounds().Dy()))
}

// imageSize is the atlas image's size, one unit per pixel.
func (a *atlasWidget) imageSize() fyne.Size {
	if a.image.Image == nil {
		return fyne.Size{}
	}
	b := a.image.Image.Bounds()
	return fyne.NewSize(float32(b.Dx()), float32(b.Dy()))
}

func (a *atlasWidget) Resize(size fyne.Size) {
	a.BaseWidget.Resize(size)
	if a.onWidth != nil {
		a.onWidth(size.Width)
	}
}

// set shows a rendered atlas laid out by l with order's entries.
func (a *atlasWidget) set(img *image.NRGBA, l cbook.AtlasLayout, order []int, selected int) {
	a.layout, a.order = l, order
	a.cellOf = make([]int, len(order))
	for cell, e := range order {
		a.cellOf[e] = cell
	}
	a.image.Image = img
	a.image.Resize(a.imageSize())
	a.image.Refresh()
	a.hover.Hide()
	a.setSelected(selected)
	a.Refresh()
}

// setSelected outlines entry, or nothing for -1.
func (a *atlasWidget) setSelected(entry int) {
	a.place(a.sel, entry)
}

// place puts an outline around entry's patch, or hides it for -1.
func (a *atlasWidget) place(r *canvas.Rectangle, entry int) {
	if entry < 0 || entry >= len(a.cellOf) {
		r.Hide()
		return
	}
	pr := a.layout.PatchRect(a.cellOf[entry]).Inset(-2)
	r.Move(fyne.NewPos(float32(pr.Min.X), float32(pr.Min.Y)))
	r.Resize(fyne.NewSize(float32(pr.Dx()), float32(pr.Dy())))
	r.Show()
	r.Refresh()
}

// entryAt returns the entry at a position in the widget, or -1.
func (a *atlasWidget) entryAt(p fyne.Position) int {
	if a.order == nil {
		return -1
	}
	cell := a.layout.EntryAt(int(p.X), int(p.Y), len(a.order))
	if cell < 0 {
		return -1
	}
	return a.order[cell]
}

func (a *atlasWidget) MouseIn(e *desktop.MouseEvent) { a.MouseMoved(e) }

func (a *atlasWidget) MouseMoved(e *desktop.MouseEvent) {
	entry := a.entryAt(e.Position)
	a.place(a.hover, entry)
	a.onHover(entry)
}

func (a *atlasWidget) MouseOut() {
	a.hover.Hide()
	a.onHover(-1)
}

func (a *atlasWidget) Tapped(e *fyne.PointEvent) {
	if entry := a.entryAt(e.Position); entry >= 0 {
		a.onTap(entry)
	}
}

// renderAtlas draws the labelled atlas and marks the dead entries: their
// patches dimmed and crossed out in red.
func renderAtlas(patches []*image.NRGBA, order []int, l cbook.AtlasLayout, dead []bool) *image.NRGBA {
	img := cbook.Atlas(patches, order, l)
	for cell, e := range order {
		if e < len(dead) && dead[e] {
			crossOut(img, l.PatchRect(cell))
		}
	}
	return img
}

// crossOut dims r in img and draws both diagonals over it.
func crossOut(img *image.NRGBA, r image.Rectangle) {
	dim(img, r, 3)
	n := min(r.Dx(), r.Dy())
	for i := range n {
		for w := range max(1, n/16) { // thicker lines on bigger patches
			if i+w < n {
				img.SetNRGBA(r.Min.X+i+w, r.Min.Y+i, deadColour)
				img.SetNRGBA(r.Max.X-1-i-w, r.Min.Y+i, deadColour)
			}
		}
	}
}

// dim divides the colours of r in img by by, towards black.
func dim(img *image.NRGBA, r image.Rectangle, by uint8) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			row[i], row[i+1], row[i+2] = row[i]/by, row[i+1]/by, row[i+2]/by
		}
	}
}
