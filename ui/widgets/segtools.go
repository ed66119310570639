package widgets

import "math"

// SegTool is what a press or drag on the segmentation painter does.
type SegTool int

const (
	ToolBrush     SegTool = iota // a round brush of the chosen label
	ToolEraser                   // the brush, painting the eraser's label
	ToolFill                     // a 4-connected flood of the region under the pointer
	ToolRectangle                // a filled rectangle, dragged corner to corner
	ToolEllipse                  // a filled ellipse inside the dragged rectangle
)

// segTools lists the tools in the toolbar's order with their names and
// keys.
var segTools = []struct {
	tool SegTool
	name string
	key  rune
}{
	{ToolBrush, "Brush", 'b'},
	{ToolEraser, "Eraser", 'e'},
	{ToolFill, "Fill", 'f'},
	{ToolRectangle, "Rectangle", 'r'},
	{ToolEllipse, "Ellipse", 'o'},
}

// floodFill gives the 4-connected region of equal labels around (x, y)
// label l, and tells whether anything changed.
func (p *SegPainter) floodFill(x, y, l int) bool {
	if x < 0 || y < 0 || x >= p.w || y >= p.h {
		return false
	}
	old := p.labels[y*p.w+x]
	if old == l {
		return false
	}
	stack := []int{y*p.w + x}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if p.labels[i] != old {
			continue
		}
		px, py := i%p.w, i/p.w
		p.set(px, py, l)
		if px > 0 {
			stack = append(stack, i-1)
		}
		if px < p.w-1 {
			stack = append(stack, i+1)
		}
		if py > 0 {
			stack = append(stack, i-p.w)
		}
		if py < p.h-1 {
			stack = append(stack, i+p.w)
		}
	}
	return true
}

// shape paints a filled rectangle or ellipse spanning map points (x0, y0)
// and (x1, y1): every pixel whose centre lies inside, and at least the
// pixel under each point.
func (p *SegPainter) shape(tool SegTool, x0, y0, x1, y1 float32, l int) {
	lx, hx := float64(min(x0, x1)), float64(max(x0, x1))
	ly, hy := float64(min(y0, y1)), float64(max(y0, y1))
	cx, cy := (lx+hx)/2, (ly+hy)/2
	rx, ry := max((hx-lx)/2, 0.5), max((hy-ly)/2, 0.5)
	for y := max(int(math.Floor(ly)), 0); y <= min(int(math.Floor(hy)), p.h-1); y++ {
		for x := max(int(math.Floor(lx)), 0); x <= min(int(math.Floor(hx)), p.w-1); x++ {
			if tool == ToolEllipse {
				dx, dy := (float64(x)+0.5-cx)/rx, (float64(y)+0.5-cy)/ry
				if dx*dx+dy*dy > 1 {
					continue
				}
			}
			p.set(x, y, l)
		}
	}
}

// dab paints a disc of the brush's radius centred on map point (cx, cy).
func (p *SegPainter) dab(cx, cy float32, l int) {
	r := p.radius
	ix, iy := int(cx), int(cy)
	for y := iy - r + 1; y < iy+r; y++ {
		for x := ix - r + 1; x < ix+r; x++ {
			if x < 0 || y < 0 || x >= p.w || y >= p.h {
				continue
			}
			dx, dy := float32(x)+0.5-cx, float32(y)+0.5-cy
			if dx*dx+dy*dy > float32(r*r) && (x != ix || y != iy) {
				continue
			}
			p.set(x, y, l)
		}
	}
}

// stroke paints dabs along the segment from (x0, y0) to (x1, y1), close
// enough that they overlap.
func (p *SegPainter) stroke(x0, y0, x1, y1 float32, l int) {
	step := max(float32(p.radius)/2, 0.5)
	n := int(max(abs32(x1-x0), abs32(y1-y0))/step) + 1
	for i := 0; i <= n; i++ {
		t := float32(i) / float32(n)
		p.dab(x0+(x1-x0)*t, y0+(y1-y0)*t, l)
	}
}

func abs32(a float32) float32 { return max(a, -a) }
