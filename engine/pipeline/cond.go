package pipeline

import (
	"fmt"
	"image"
	"math"

	"gorgonia.org/tensor"

	"tessera/engine/imgio"
	"tessera/engine/model"
	"tessera/engine/nn"
	"tessera/engine/sample"
	"tessera/engine/tokens"
)

// Condition is what a user conditions a sample on. Exactly one field
// applies, depending on the model: a class for class-conditional models, a
// label map or an image for spatially conditioned ones, nothing for
// unconditional models.
type Condition struct {
	Class    *int
	Labels   *LabelMap   // segmentation: one label per pixel
	Image    image.Image // another image-like condition, e.g. depth
	Describe string      // how the condition was given (a file name), for parameters
}

// LabelMap is a segmentation: W×H labels, row-major.
type LabelMap struct {
	W, H   int
	Labels []int
}

// BuildCond turns a user's condition into the sampler's. For spatial
// conditions it also returns the token grid size the condition fixes.
func BuildCond(m *model.Model, c Condition) (sample.Cond, []string, error) {
	return buildCond(m, c, 0, 0)
}

// buildCond is BuildCond with a grid size asked for: a spatial condition
// is scaled (nearest neighbour, so labels stay labels) to give a w×h grid.
// With only one of w and h the other keeps the condition's aspect ratio;
// with neither the condition's own size decides.
func buildCond(m *model.Model, c Condition, w, h int) (sample.Cond, []string, error) {
	if m.Transformer == nil {
		return sample.Cond{}, nil, fmt.Errorf("pipeline: %s is a first stage only: it cannot sample", m.WeightsPath)
	}
	spec := m.Spec.Cond
	switch spec.Kind {
	case model.CondNone:
		if c.Class != nil || c.Labels != nil || c.Image != nil {
			return sample.Cond{}, nil, fmt.Errorf("pipeline: this model is unconditional: it takes no class, segmentation or image")
		}
		return sample.Cond{Token: spec.SOSToken}, nil, nil
	case model.CondClass:
		if c.Class == nil {
			return sample.Cond{}, nil, fmt.Errorf("pipeline: this model is class-conditional: choose a class in 0..%d", spec.Classes-1)
		}
		if *c.Class < 0 || *c.Class >= spec.Classes {
			return sample.Cond{}, nil, fmt.Errorf("pipeline: class %d is outside the model's 0..%d", *c.Class, spec.Classes-1)
		}
		return sample.Cond{Token: *c.Class}, nil, nil
	}
	stage := m.CondStage
	f := stage.Config.Factor()
	var x *tensor.Dense
	var notes []string
	switch {
	case c.Labels != nil && stage.Config.DD.InChannels == spec.Labels && spec.Labels > 1:
		lm := c.Labels
		if lm.W <= 0 || lm.H <= 0 || len(lm.Labels) != lm.W*lm.H {
			return sample.Cond{}, nil, fmt.Errorf("pipeline: %s: %d labels for a %dx%d label map", c.Describe, len(lm.Labels), lm.W, lm.H)
		}
		sw, sh, err := scaledSize(lm.W, lm.H, w, h, f)
		if err != nil {
			return sample.Cond{}, nil, fmt.Errorf("pipeline: %s: %w", c.Describe, err)
		}
		cw, ch := lm.W/f*f, lm.H/f*f
		if sw > 0 {
			cw, ch = sw, sh
		}
		// The labels (cropped or scaled) and their one-hot copy, the
		// cond stage's input, come beside the encode.
		need := EncodeBytes(stage, cw, ch, 8)
		if err := CheckMemory(fmt.Sprintf("encoding a %dx%d label map with the cond stage", cw, ch), need); err != nil {
			return sample.Cond{}, nil, err
		}
		labels := lm.Labels
		switch {
		case sw > 0:
			labels = scaleLabels(lm, sw, sh)
			notes = append(notes, fmt.Sprintf("label map scaled from %dx%d to %dx%d pixels (nearest neighbour) for a %dx%d-token grid", lm.W, lm.H, sw, sh, sw/f, sh/f))
		case cw == 0 || ch == 0:
			return sample.Cond{}, nil, fmt.Errorf("pipeline: a %dx%d label map is smaller than the cond stage's factor %d", lm.W, lm.H, f)
		case cw != lm.W || ch != lm.H:
			labels = cropLabels(lm, cw, ch)
			notes = append(notes, fmt.Sprintf("label map centre-cropped from %dx%d to %dx%d (multiple of %d)", lm.W, lm.H, cw, ch, f))
		}
		oh, err := imgio.OneHot(labels, cw, ch, spec.Labels)
		if err != nil {
			return sample.Cond{}, nil, fmt.Errorf("pipeline: %s: %w", c.Describe, err)
		}
		x = oh
	case c.Image != nil:
		b := c.Image.Bounds()
		sw, sh, err := scaledSize(b.Dx(), b.Dy(), w, h, f)
		if err != nil {
			return sample.Cond{}, nil, fmt.Errorf("pipeline: %s: %w", c.Describe, err)
		}
		cw, ch := b.Dx()/f*f, b.Dy()/f*f
		extra := int64(0)
		if sw > 0 {
			extra = mul(int64(cw), int64(ch), 4*int64(stage.Config.DD.InChannels)) // the unscaled tensor
			cw, ch = sw, sh
		}
		need := add(EncodeBytes(stage, cw, ch, 0), extra)
		if err := CheckMemory(fmt.Sprintf("encoding a %dx%d condition with the cond stage", cw, ch), need); err != nil {
			return sample.Cond{}, nil, err
		}
		x, notes, err = condImage(c.Image, stage.Config.DD.InChannels, f)
		if err != nil {
			return sample.Cond{}, nil, fmt.Errorf("pipeline: %s: %w", c.Describe, err)
		}
		if sw > 0 {
			_, _, th, tw := nn.Dims4(x)
			x = scaleNearest(x, sw, sh)
			notes = append(notes, fmt.Sprintf("condition scaled from %dx%d to %dx%d pixels (nearest neighbour) for a %dx%d-token grid", tw, th, sw, sh, sw/f, sh/f))
		}
	default:
		return sample.Cond{}, nil, fmt.Errorf("pipeline: this model is conditioned on %s: give a %s", spec.Key, condWanted(spec))
	}
	_, _, xh, xw := nn.Dims4(x)
	enc, err := encodeHeld(stage, x, EncodeBytes(stage, xw, xh, 0))
	if err != nil {
		return sample.Cond{}, nil, err
	}
	grid := tokens.Grid{W: enc.W, H: enc.H, Codes: enc.Tokens}
	return sample.Cond{Grid: &grid}, notes, nil
}

func condWanted(spec *model.CondSpec) string {
	if spec.Labels > 1 {
		return fmt.Sprintf("label map with labels 0..%d", spec.Labels-1)
	}
	return "conditioning image"
}

// maxScaledSide bounds a scaled condition's side in pixels, far beyond
// any memory budget, so sizes cannot overflow.
const maxScaledSide = 1 << 24

// scaledSize is the pixel size a w×h-token grid asks of a condition of
// cw×ch pixels for a stage of factor f, or 0, 0 when w and h are both 0
// (the condition decides) or the condition already gives that grid.
func scaledSize(cw, ch, w, h, f int) (int, int, error) {
	if w == 0 && h == 0 {
		return 0, 0, nil
	}
	if w < 0 || h < 0 {
		return 0, 0, fmt.Errorf("a grid of %dx%d tokens: sizes must be positive", w, h)
	}
	if cw <= 0 || ch <= 0 {
		return 0, 0, fmt.Errorf("an empty %dx%d condition", cw, ch)
	}
	switch {
	case w == 0:
		w = max(1, int(math.Round(float64(h)*float64(cw)/float64(ch))))
	case h == 0:
		h = max(1, int(math.Round(float64(w)*float64(ch)/float64(cw))))
	}
	if w > maxScaledSide/f || h > maxScaledSide/f {
		return 0, 0, fmt.Errorf("a grid of %dx%d tokens is %dx%d pixels of condition, beyond the %d-pixel side limit", w, h, int64(w)*int64(f), int64(h)*int64(f), maxScaledSide)
	}
	if w == cw/f && h == ch/f {
		return 0, 0, nil // cropping to the factor gives that grid already
	}
	return w * f, h * f, nil
}

// scaleLabels scales a label map to w×h pixels, nearest neighbour.
func scaleLabels(lm *LabelMap, w, h int) []int {
	out := make([]int, w*h)
	for y := range h {
		sy := int((2*int64(y) + 1) * int64(lm.H) / (2 * int64(h)))
		row := lm.Labels[sy*lm.W : (sy+1)*lm.W]
		for x := range w {
			out[y*w+x] = row[(2*int64(x)+1)*int64(lm.W)/(2*int64(w))]
		}
	}
	return out
}

// scaleNearest scales an [N,C,H,W] tensor to w×h, nearest neighbour.
func scaleNearest(t *tensor.Dense, w, h int) *tensor.Dense {
	n, c, th, tw := nn.Dims4(t)
	out := nn.New(n, c, h, w)
	src, dst := nn.Data(t), nn.Data(out)
	xs := make([]int, w)
	for x := range w {
		xs[x] = int((2*int64(x) + 1) * int64(tw) / (2 * int64(w)))
	}
	for p := 0; p < n*c; p++ {
		for y := range h {
			sy := int((2*int64(y) + 1) * int64(th) / (2 * int64(h)))
			srow := src[(p*th+sy)*tw : (p*th+sy+1)*tw]
			drow := dst[(p*h+y)*w : (p*h+y+1)*w]
			for x, sx := range xs {
				drow[x] = srow[sx]
			}
		}
	}
	return out
}

func cropLabels(lm *LabelMap, w, h int) []int {
	x0, y0 := (lm.W-w)/2, (lm.H-h)/2
	out := make([]int, 0, w*h)
	for y := y0; y < y0+h; y++ {
		out = append(out, lm.Labels[y*lm.W+x0:y*lm.W+x0+w]...)
	}
	return out
}

// condImage prepares an image-like condition: RGB scaled to [-1, 1] for a
// 3-channel cond stage, or a depth map for a 1-channel one.
func condImage(img image.Image, channels, factor int) (*tensor.Dense, []string, error) {
	switch channels {
	case 3:
		rgb, notes, err := imgio.Prepare(img, factor)
		if err != nil {
			return nil, nil, err
		}
		return imgio.ToTensor(rgb), notes, nil
	case 1:
		return imgio.DepthTensor(img, factor)
	}
	return nil, nil, fmt.Errorf("pipeline: the cond stage takes %d channels; only 1 (depth) or 3 (RGB) can come from an image", channels)
}
