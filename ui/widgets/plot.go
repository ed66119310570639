package widgets

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Series is one curve of a Plot: values Y at steps X (ascending).
type Series struct {
	Name   string
	Colour color.NRGBA
	Right  bool // drawn against the right-hand axis
	X, Y   []float64
}

// Plot draws curves over steps: a left and an optional right axis, a
// logarithmic y scale, smoothing as TensorBoard does it (an exponential
// moving average, debiased, over the raw curve drawn faintly), and a
// read-out of every curve at the step under the pointer. The curves are
// rasterised at the widget's size in device pixels whenever it changes, so
// they stay sharp; labels are text. UI goroutine only.
type Plot struct {
	widget.BaseWidget

	series      []Series
	logY        bool
	smooth      float64
	empty       string               // shown without points
	leftFormat  func(float64) string // tick and read-out format of each axis
	rightFormat func(float64) string

	frame    plotFrame // the scales of the last layout
	hovering bool
	hoverAt  float32 // pointer x in the widget
}

var _ desktop.Hoverable = (*Plot)(nil)

// NewPlot makes an empty plot that says empty until it has points.
func NewPlot(empty string) *Plot {
	p := &Plot{empty: empty, leftFormat: Number, rightFormat: Number}
	p.ExtendBaseWidget(p)
	return p
}

// SetEmptyText sets what the plot says while it has no points.
func (p *Plot) SetEmptyText(s string) {
	p.empty = s
	p.Refresh()
}

// SetSeries replaces the curves. The plot keeps the slices: change them
// only through another SetSeries.
func (p *Plot) SetSeries(s []Series) {
	p.series = s
	p.Refresh()
}

// Series returns the curves shown.
func (p *Plot) Series() []Series { return p.series }

// SetLogScale draws y logarithmically; values at or below 0 are left out.
func (p *Plot) SetLogScale(on bool) {
	p.logY = on
	p.Refresh()
}

// SetSmoothing sets the moving average's weight of the past, in [0, 1).
func (p *Plot) SetSmoothing(w float64) {
	p.smooth = min(max(w, 0), 0.999)
	p.Refresh()
}

// SetFormats sets how the left and right axes write their values.
func (p *Plot) SetFormats(left, right func(float64) string) {
	p.leftFormat, p.rightFormat = left, right
	p.Refresh()
}

// Number writes a value with four significant digits.
func Number(v float64) string { return trimZeros(fmt.Sprintf("%.4g", v)) }

// Percent writes a fraction as a percentage.
func Percent(v float64) string { return trimZeros(fmt.Sprintf("%.3g", v*100)) + "%" }

func trimZeros(s string) string {
	if strings.ContainsAny(s, "e") || !strings.Contains(s, ".") {
		return s
	}
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// ReadOut is what the read-out shows for the pointer's step, one line per
// curve after the step's: empty when the pointer is not over the curves.
func (p *Plot) ReadOut() []string {
	if !p.hovering {
		return nil
	}
	return p.frame.readOut(p.hoverAt)
}

func (p *Plot) MouseIn(e *desktop.MouseEvent) { p.MouseMoved(e) }

func (p *Plot) MouseMoved(e *desktop.MouseEvent) {
	p.hovering, p.hoverAt = true, e.Position.X
	p.Refresh()
}

func (p *Plot) MouseOut() {
	p.hovering = false
	p.Refresh()
}

func (p *Plot) CreateRenderer() fyne.WidgetRenderer {
	r := &plotRenderer{p: p, bg: canvas.NewRectangle(color.Transparent), cursor: canvas.NewLine(color.Transparent),
		box: canvas.NewRectangle(color.Transparent)}
	r.raster = canvas.NewRaster(r.draw)
	r.raster.ScaleMode = canvas.ImageScalePixels
	r.message = canvas.NewText("", color.Black)
	r.message.Alignment = fyne.TextAlignCenter
	return r
}

// smoothed is TensorBoard's smoothing: an exponential moving average
// debiased for its start, so the first values are not pulled to 0.
func smoothed(y []float64, w float64) []float64 {
	if w <= 0 {
		return y
	}
	out := make([]float64, len(y))
	last, n := 0.0, 0
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			out[i] = v
			continue
		}
		n++
		last = last*w + (1-w)*v
		out[i] = last / (1 - math.Pow(w, float64(n)))
	}
	return out
}

// axis maps values to a span of pixels: linear, or linear in log10.
type axis struct {
	lo, hi float64 // in the axis's own (possibly log) units
	log    bool
	ticks  []float64 // in data units
	format func(float64) string
}

// unit is a value in the axis's units, false when it cannot be drawn.
func (a axis) unit(v float64) (float64, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	if a.log {
		if v <= 0 {
			return 0, false
		}
		return math.Log10(v), true
	}
	return v, true
}

// frac is where v lies from lo (0) to hi (1).
func (a axis) frac(v float64) (float64, bool) {
	u, ok := a.unit(v)
	return (u - a.lo) / (a.hi - a.lo), ok
}

// newAxis spans the values with a margin, with round ticks.
func newAxis(lo, hi float64, log bool, format func(float64) string) axis {
	a := axis{log: log, format: format}
	if lo > hi { // no values: 0 to 1, or 1 to 10 in log units
		lo, hi = 0, 1
	}
	if hi-lo < 1e-12 {
		pad := math.Max(math.Abs(hi)*0.1, 1e-3)
		if log {
			pad = 0.5
		}
		lo, hi = lo-pad, hi+pad
	}
	m := (hi - lo) * 0.05
	a.lo, a.hi = lo-m, hi+m
	if log {
		for _, t := range niceTicks(a.lo, a.hi, 5) {
			if math.Abs(t-math.Round(t)) < 1e-9 {
				a.ticks = append(a.ticks, math.Pow(10, math.Round(t)))
			}
		}
		if len(a.ticks) < 2 { // less than a decade: ticks in the values themselves
			a.ticks = niceTicks(math.Pow(10, a.lo), math.Pow(10, a.hi), 4)
		}
	} else {
		a.ticks = niceTicks(a.lo, a.hi, 5)
	}
	return a
}

// niceTicks are about n round values (1, 2 or 5 times a power of ten
// apart) within [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) || n < 1 {
		return nil
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		out = append(out, v)
	}
	return out
}

// plotFrame is one layout of the plot: where the curves go, the axes and
// the curves as drawn (smoothed when asked).
type plotFrame struct {
	area        fyne.Position // top left of the curves, in units
	size        fyne.Size
	x           axis
	left, right axis
	hasRight    bool
	series      []Series
	drawn       [][]float64 // each series' Y as drawn
	smooth      bool
}

// sx is where step x is, in units from the widget's left.
func (f *plotFrame) sx(x float64) float32 {
	t, _ := f.x.frac(x)
	return f.area.X + float32(t)*f.size.Width
}

// sy is where v is on s's axis, in units from the widget's top.
func (f *plotFrame) sy(s Series, v float64) (float32, bool) {
	a := f.left
	if s.Right {
		a = f.right
	}
	t, ok := a.frac(v)
	return f.area.Y + f.size.Height - float32(t)*f.size.Height, ok
}

// nearest is the index of the step nearest x in xs, or -1.
func nearest(xs []float64, x float64) int {
	if len(xs) == 0 {
		return -1
	}
	i := sort.SearchFloat64s(xs, x)
	switch {
	case i == len(xs):
		return i - 1
	case i > 0 && x-xs[i-1] < xs[i]-x:
		return i - 1
	}
	return i
}

// hoverStep is the step of a point nearest the pointer at widget x px, and
// whether the pointer is over the curves.
func (f *plotFrame) hoverStep(px float32) (float64, bool) {
	if f.size.Width <= 0 || px < f.area.X || px > f.area.X+f.size.Width {
		return 0, false
	}
	t := float64((px - f.area.X) / f.size.Width)
	x := f.x.lo + t*(f.x.hi-f.x.lo)
	best, found := 0.0, false
	for _, s := range f.series {
		if i := nearest(s.X, x); i >= 0 && (!found || math.Abs(s.X[i]-x) < math.Abs(best-x)) {
			best, found = s.X[i], true
		}
	}
	return best, found
}

func (f *plotFrame) readOut(px float32) []string {
	step, ok := f.hoverStep(px)
	if !ok {
		return nil
	}
	lines := []string{"step " + Number(step)}
	for k, s := range f.series {
		i := nearest(s.X, step)
		if i < 0 || s.X[i] != step {
			continue
		}
		format := f.left.format
		if s.Right {
			format = f.right.format
		}
		line := s.Name + " " + format(s.Y[i])
		if f.smooth {
			line += " (smoothed " + format(f.drawn[k][i]) + ")"
		}
		lines = append(lines, line)
	}
	return lines
}

type plotRenderer struct {
	p       *Plot
	bg      *canvas.Rectangle
	raster  *canvas.Raster
	message *canvas.Text
	ticks   []*canvas.Text // reused between layouts
	legend  []*canvas.Text
	cursor  *canvas.Line
	box     *canvas.Rectangle
	lines   []*canvas.Text
	size    fyne.Size
	objects []fyne.CanvasObject
}

func (r *plotRenderer) Destroy() {}

func (r *plotRenderer) MinSize() fyne.Size { return fyne.NewSize(240, 150) }

func (r *plotRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *plotRenderer) Refresh() { r.Layout(r.p.Size()) }

// text is a label from a pool, kept between layouts.
func text(pool *[]*canvas.Text, i int, s string, c color.Color, size float32) *canvas.Text {
	for len(*pool) <= i {
		*pool = append(*pool, canvas.NewText("", c))
	}
	t := (*pool)[i]
	t.Text, t.Color, t.TextSize = s, c, size
	return t
}

func (r *plotRenderer) Layout(size fyne.Size) {
	r.size = size
	p := r.p
	fg := theme.Color(theme.ColorNameForeground)
	small := theme.TextSize() * 0.85
	pad := theme.Padding()
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.bg.Resize(size)
	r.objects = append(r.objects[:0], r.bg)

	f := &plotFrame{series: p.series, smooth: p.smooth > 0}
	xlo, xhi := math.Inf(1), math.Inf(-1)
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	unitOf := axis{log: p.logY}
	points := 0
	for _, s := range p.series {
		d := smoothed(s.Y, p.smooth)
		f.drawn = append(f.drawn, d)
		side := 0
		if s.Right {
			side, f.hasRight = 1, true
		}
		for i, x := range s.X {
			for _, v := range []float64{s.Y[i], d[i]} {
				if u, ok := unitOf.unit(v); ok {
					lo[side], hi[side] = min(lo[side], u), max(hi[side], u)
					xlo, xhi = min(xlo, x), max(xhi, x)
					points++
				}
			}
		}
	}
	if points == 0 {
		r.message.Text, r.message.Color, r.message.TextSize = p.empty, fg, theme.TextSize()
		h := fyne.MeasureText(p.empty, theme.TextSize(), fyne.TextStyle{}).Height
		r.message.Resize(fyne.NewSize(size.Width, h))
		r.message.Move(fyne.NewPos(0, (size.Height-h)/2))
		r.objects = append(r.objects, r.message)
		r.p.frame = plotFrame{}
		canvas.Refresh(r.bg)
		return
	}
	f.x = newAxis(xlo, xhi, false, Number)
	f.x.lo, f.x.hi = xlo-(xhi-xlo)*0.02, xhi+(xhi-xlo)*0.02
	if xhi == xlo {
		f.x.lo, f.x.hi = xlo-1, xhi+1
	}
	f.x.ticks = niceTicks(f.x.lo, f.x.hi, 6)
	f.left = newAxis(lo[0], hi[0], p.logY, p.leftFormat)
	f.right = newAxis(lo[1], hi[1], p.logY, p.rightFormat)

	// Margins fit the widest tick label of each axis and the legend row.
	width := func(a axis) float32 {
		w := float32(0)
		for _, t := range a.ticks {
			w = max(w, fyne.MeasureText(a.format(t), small, fyne.TextStyle{}).Width)
		}
		return w
	}
	lineH := fyne.MeasureText("0", small, fyne.TextStyle{}).Height
	left := width(f.left) + 2*pad
	right := 2 * pad
	if f.hasRight {
		right = width(f.right) + 2*pad
	}
	f.area = fyne.NewPos(left, lineH+2*pad)
	f.size = fyne.NewSize(max(size.Width-left-right, 1), max(size.Height-f.area.Y-lineH-2*pad, 1))
	r.p.frame = *f

	r.raster.Move(fyne.NewPos(0, 0))
	r.raster.Resize(size)
	r.objects = append(r.objects, r.raster)

	// Tick labels.
	n := 0
	for _, t := range f.x.ticks {
		l := text(&r.ticks, n, Number(t), fg, small)
		n++
		w := fyne.MeasureText(l.Text, small, fyne.TextStyle{}).Width
		l.Move(fyne.NewPos(f.sx(t)-w/2, f.area.Y+f.size.Height+pad/2))
		r.objects = append(r.objects, l)
	}
	for side, a := range []axis{f.left, f.right} {
		if side == 1 && !f.hasRight {
			break
		}
		for _, t := range a.ticks {
			y, ok := f.sy(Series{Right: side == 1}, t)
			if !ok || y < f.area.Y-1 || y > f.area.Y+f.size.Height+1 {
				continue
			}
			l := text(&r.ticks, n, a.format(t), fg, small)
			n++
			w := fyne.MeasureText(l.Text, small, fyne.TextStyle{}).Width
			x := f.area.X - pad - w
			if side == 1 {
				x = f.area.X + f.size.Width + pad
			}
			l.Move(fyne.NewPos(x, y-lineH/2))
			r.objects = append(r.objects, l)
		}
	}
	// The legend: each curve's name in its colour, "→" marking the right axis.
	x := f.area.X
	for i, s := range p.series {
		name := "━ " + s.Name
		if s.Right {
			name += " →"
		}
		l := text(&r.legend, i, name, s.Colour, small)
		l.TextStyle = fyne.TextStyle{Bold: true}
		l.Move(fyne.NewPos(x, pad/2))
		x += fyne.MeasureText(name, small, l.TextStyle).Width + 3*pad
		r.objects = append(r.objects, l)
	}
	r.layoutHover(f, fg, small, lineH)
	for _, o := range r.objects {
		o.Refresh()
	}
}

// layoutHover places the cursor line and the read-out box.
func (r *plotRenderer) layoutHover(f *plotFrame, fg color.Color, small, lineH float32) {
	lines := r.p.ReadOut()
	if len(lines) == 0 {
		return
	}
	step, _ := f.hoverStep(r.p.hoverAt)
	cx := f.sx(step)
	r.cursor.StrokeColor, r.cursor.StrokeWidth = withAlpha(fg, 120), 1
	r.cursor.Position1 = fyne.NewPos(cx, f.area.Y)
	r.cursor.Position2 = fyne.NewPos(cx, f.area.Y+f.size.Height)
	pad := theme.Padding()
	w := float32(0)
	for _, l := range lines {
		w = max(w, fyne.MeasureText(l, small, fyne.TextStyle{}).Width)
	}
	bw, bh := w+2*pad, float32(len(lines))*lineH+2*pad
	bx := cx + 2*pad
	if bx+bw > f.area.X+f.size.Width {
		bx = cx - 2*pad - bw // flip to the left of the cursor near the right edge
	}
	by := f.area.Y + pad
	r.box.FillColor = withAlpha(theme.Color(theme.ColorNameOverlayBackground), 230)
	r.box.StrokeColor, r.box.StrokeWidth = withAlpha(fg, 80), 1
	r.box.Move(fyne.NewPos(bx, by))
	r.box.Resize(fyne.NewSize(bw, bh))
	r.objects = append(r.objects, r.cursor, r.box)
	colours := map[string]color.Color{}
	for _, s := range f.series {
		colours[s.Name] = s.Colour
	}
	for i, l := range lines {
		c := fg
		name, _, _ := strings.Cut(l, " ")
		if sc, ok := colours[name]; ok && i > 0 {
			c = sc
		}
		t := text(&r.lines, i, l, c, small)
		t.Move(fyne.NewPos(bx+pad, by+pad+float32(i)*lineH))
		r.objects = append(r.objects, t)
	}
}

func withAlpha(c color.Color, a uint8) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// draw rasterises the grid and the curves at w×h device pixels.
func (r *plotRenderer) draw(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	f := &r.p.frame
	if f.size.Width <= 0 || r.size.Width <= 0 || len(f.series) == 0 {
		return img
	}
	scale := float64(w) / float64(r.size.Width)
	fg := theme.Color(theme.ColorNameForeground)
	grid := withAlpha(fg, 28)
	x0, y0 := float64(f.area.X)*scale, float64(f.area.Y)*scale
	x1, y1 := x0+float64(f.size.Width)*scale, y0+float64(f.size.Height)*scale
	for _, t := range f.x.ticks {
		x := float64(f.sx(t)) * scale
		stroke(img, x, y0, x, y1, scale, grid)
	}
	for _, t := range f.left.ticks {
		if y, ok := f.sy(Series{}, t); ok && float64(y)*scale >= y0-1 && float64(y)*scale <= y1+1 {
			stroke(img, x0, float64(y)*scale, x1, float64(y)*scale, scale, grid)
		}
	}
	frame := withAlpha(fg, 90)
	stroke(img, x0, y1, x1, y1, scale, frame)
	stroke(img, x0, y0, x0, y1, scale, frame)
	if f.hasRight {
		stroke(img, x1, y0, x1, y1, scale, frame)
	}
	for i, s := range f.series {
		if f.smooth {
			r.curve(img, f, s, s.Y, scale, withAlpha(s.Colour, 70), 1)
		}
		r.curve(img, f, s, f.drawn[i], scale, s.Colour, 1.6)
	}
	return img
}

// curve draws ys of s as a polyline, one point per device pixel column at
// most: a column with many points becomes the span of their values.
func (r *plotRenderer) curve(img *image.NRGBA, f *plotFrame, s Series, ys []float64, scale float64, c color.NRGBA, width float64) {
	have := false
	var px, py float64 // the last point drawn
	col, colLo, colHi := math.MinInt, 0.0, 0.0
	flush := func() {
		if col != math.MinInt && colHi > colLo {
			stroke(img, px, colLo, px, colHi, width*scale, c)
		}
	}
	for i, x := range s.X {
		yu, ok := f.sy(s, ys[i])
		if !ok {
			flush()
			have, col = false, math.MinInt // a gap: values the log scale cannot show
			continue
		}
		qx, qy := float64(f.sx(x))*scale, float64(yu)*scale
		if column := int(qx); have && column == col {
			colLo, colHi = min(colLo, qy), max(colHi, qy)
			py = qy
			continue
		}
		flush()
		if have {
			stroke(img, px, py, qx, qy, width*scale, c)
		} else {
			stroke(img, qx, qy, qx, qy, width*scale, c)
		}
		have, px, py = true, qx, qy
		col, colLo, colHi = int(qx), qy, qy
	}
	flush()
}

// stroke draws an anti-aliased segment of the given width (pixels),
// blending c over img.
func stroke(img *image.NRGBA, ax, ay, bx, by, width float64, c color.NRGBA) {
	half := max(width/2, 0.5)
	minX, maxX := int(math.Floor(min(ax, bx)-half-1)), int(math.Ceil(max(ax, bx)+half+1))
	minY, maxY := int(math.Floor(min(ay, by)-half-1)), int(math.Ceil(max(ay, by)+half+1))
	b := img.Bounds()
	minX, minY, maxX, maxY = max(minX, b.Min.X), max(minY, b.Min.Y), min(maxX, b.Max.X-1), min(maxY, b.Max.Y-1)
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	for y := minY; y <= maxY; y++ {
		for x := minX; x <= maxX; x++ {
			cx, cy := float64(x)+0.5, float64(y)+0.5
			t := 0.0
			if l2 > 0 {
				t = min(max(((cx-ax)*dx+(cy-ay)*dy)/l2, 0), 1)
			}
			d := math.Hypot(cx-(ax+t*dx), cy-(ay+t*dy))
			cover := min(max(half+0.5-d, 0), 1)
			if cover > 0 {
				blend(img, x, y, c, cover)
			}
		}
	}
}

// blend puts c with coverage a over the pixel, keeping the stronger of
// the two where a curve crosses itself.
func blend(img *image.NRGBA, x, y int, c color.NRGBA, a float64) {
	i := img.PixOffset(x, y)
	p := img.Pix[i : i+4 : i+4]
	sa := float64(c.A) / 255 * a
	da := float64(p[3]) / 255
	oa := sa + da*(1-sa)
	if oa <= 0 {
		return
	}
	for k, sc := range []uint8{c.R, c.G, c.B} {
		p[k] = uint8((float64(sc)*sa + float64(p[k])*da*(1-sa)) / oa)
	}
	p[3] = uint8(oa*255 + 0.5)
}
