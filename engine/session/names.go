package session

import (
	"fmt"
	"image"

	"tessera/engine/model"
	"tessera/engine/pipeline"
	"tessera/engine/tokens"
)

// The Jobs list shows a job by its name: each says what it makes, so two
// runs in the list are told apart.

// SampleName names a sampling job: "Sample 4 × 16×16 (class 3)", the
// count, the grid in tokens and the condition (the seed without one).
func SampleName(m *model.Model, req pipeline.SampleRequest) string {
	w, h := requestGrid(m, req)
	size := ""
	if w > 0 && h > 0 {
		size = fmt.Sprintf(" %d × %d×%d", max(req.Options.Count, 1), w, h)
	}
	return "Sample" + size + " (" + condName(req) + ")"
}

// condName says what a request is conditioned on.
func condName(req pipeline.SampleRequest) string {
	c := req.Cond
	switch {
	case c.Class != nil:
		return fmt.Sprintf("class %d", *c.Class)
	case c.Describe != "":
		return c.Describe
	case c.Labels != nil:
		return "label map"
	case c.Image != nil:
		return "condition image"
	}
	return fmt.Sprintf("seed %d", req.Options.Seed)
}

// requestGrid is the grid a request samples, in tokens: its size, else the
// size of its spatial condition, else the model's native grid (0×0
// without a model).
func requestGrid(m *model.Model, req pipeline.SampleRequest) (int, int) {
	if req.W > 0 && req.H > 0 || m == nil {
		return req.W, req.H
	}
	var px image.Point
	switch c := req.Cond; {
	case c.Labels != nil:
		px = image.Pt(c.Labels.W, c.Labels.H)
	case c.Image != nil:
		px = c.Image.Bounds().Size()
	}
	if px != (image.Point{}) && m.CondStage != nil {
		f := m.CondStage.Config.Factor()
		return px.X / f, px.Y / f
	}
	return m.Window(), m.Window()
}

// RegionName names a resampling job by the mask's bounding box:
// "Resample region 6×4".
func RegionName(mask tokens.Mask) string {
	r := image.Rectangle{}
	for y := range mask.H {
		for x := range mask.W {
			if mask.At(x, y) {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return fmt.Sprintf("Resample region %d×%d", r.Dx(), r.Dy())
}
