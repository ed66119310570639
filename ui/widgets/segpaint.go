package widgets

import (
	"image"
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/pipeline"
)

// SegPainter is a segmentation label map the user paints: W×H labels,
// one per cond-stage pixel, shown in the palette's colours and edited with
// the tools of segtools.go; every edit can be undone.
type SegPainter struct {
	widget.BaseWidget

	w, h    int
	labels  []int
	n       int           // the model's labels are 0..n-1
	colors  []color.NRGBA // label l is painted in colors[l]; nil: the generic palette
	label   int           // the label the brush, fill and shapes paint
	erase   int           // the label the eraser paints
	radius  int           // brush radius in map pixels
	tool    SegTool
	img     *image.NRGBA
	minSize fyne.Size
	history segHistory

	onChange func()             // after each edit, undo, redo or load
	onSize   func(w, h int)     // after the map changed size
	onTool   func(tool SegTool) // after a key chose another tool

	// A drag in progress: the map before it (for shapes, redrawn from it
	// at each move) and where it started, in map pixels.
	painting       bool
	before         []int
	startX, startY float32
}

var (
	_ fyne.Tappable     = (*SegPainter)(nil)
	_ fyne.Draggable    = (*SegPainter)(nil)
	_ fyne.Focusable    = (*SegPainter)(nil)
	_ fyne.Shortcutable = (*SegPainter)(nil)
)

func NewSegPainter(minSize fyne.Size) *SegPainter {
	p := &SegPainter{minSize: minSize, n: 1, radius: 1}
	p.ExtendBaseWidget(p)
	return p
}

// color is the colour label l is painted in.
func (p *SegPainter) color(l int) color.NRGBA {
	if l < len(p.colors) {
		return p.colors[l]
	}
	return labelColor(l)
}

// LabelColor is the colour label l is shown in.
func (p *SegPainter) LabelColor(l int) color.NRGBA { return p.color(l) }

// setLabels replaces the map; every label must be in 0..n-1.
func (p *SegPainter) setLabels(labels []int, w, h int) {
	resized := w != p.w || h != p.h
	p.w, p.h, p.labels = w, h, slices.Clone(labels)
	p.img = image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range p.labels {
		p.img.SetNRGBA(i%w, i/w, p.color(p.labels[i]))
	}
	p.Refresh()
	if resized && p.onSize != nil {
		p.onSize(w, h)
	}
}

// fill makes a w×h map of one label.
func (p *SegPainter) fill(w, h, label int) {
	p.setLabels(slices.Repeat([]int{label}, w*h), w, h)
}

// ScaleTo scales the map to w×h, nearest neighbour, keeping the drawing.
func (p *SegPainter) ScaleTo(w, h int) {
	if w == p.w && h == p.h {
		return
	}
	p.setLabels(scaleLabels(p.labels, p.w, p.h, w, h), w, h)
}

// MapSize is the map's size in pixels.
func (p *SegPainter) MapSize() (w, h int) { return p.w, p.h }

// MapArea is where the map is drawn in the widget now.
func (p *SegPainter) MapArea() (fyne.Position, fyne.Size) { return p.area(p.Size()) }

// LabelMap is a copy of the map for a sampling request.
func (p *SegPainter) LabelMap() *pipeline.LabelMap {
	return &pipeline.LabelMap{W: p.w, H: p.h, Labels: slices.Clone(p.labels)}
}

// area is where the map is drawn: as large as fits, aspect kept, centred.
func (p *SegPainter) area(size fyne.Size) (fyne.Position, fyne.Size) {
	if p.w == 0 || p.h == 0 {
		return fyne.Position{}, fyne.Size{}
	}
	s := min(size.Width/float32(p.w), size.Height/float32(p.h))
	w, h := float32(p.w)*s, float32(p.h)*s
	return fyne.NewPos((size.Width-w)/2, (size.Height-h)/2), fyne.NewSize(w, h)
}

// pixelAt maps a position in the widget to map coordinates.
func (p *SegPainter) pixelAt(pos fyne.Position) (float32, float32) {
	at, size := p.area(p.Size())
	if size.Width == 0 {
		return -1, -1
	}
	return (pos.X - at.X) / size.Width * float32(p.w), (pos.Y - at.Y) / size.Height * float32(p.h)
}

// set paints pixel (x, y) label l.
func (p *SegPainter) set(x, y, l int) {
	p.labels[y*p.w+x] = l
	p.img.SetNRGBA(x, y, p.color(l))
}

// changed shows an edit and tells the picker.
func (p *SegPainter) changed() {
	p.Refresh()
	if p.onChange != nil {
		p.onChange()
	}
}

func (p *SegPainter) CreateRenderer() fyne.WidgetRenderer {
	r := &segRenderer{
		p:      p,
		img:    &canvas.Image{FillMode: canvas.ImageFillStretch, ScaleMode: canvas.ImageScalePixels},
		border: &canvas.Rectangle{FillColor: color.Transparent, StrokeWidth: 1, StrokeColor: color.NRGBA{A: 100}},
	}
	r.Refresh()
	return r
}

type segRenderer struct {
	p      *SegPainter
	img    *canvas.Image
	border *canvas.Rectangle
}

func (r *segRenderer) Destroy()                     {}
func (r *segRenderer) MinSize() fyne.Size           { return r.p.minSize }
func (r *segRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.img, r.border} }

func (r *segRenderer) Layout(size fyne.Size) {
	at, area := r.p.area(size)
	r.img.Move(at)
	r.img.Resize(area)
	r.border.Move(at)
	r.border.Resize(area)
}

func (r *segRenderer) Refresh() {
	r.img.Image = r.p.img
	r.Layout(r.p.Size())
	r.img.Refresh()
	r.border.Refresh()
}
