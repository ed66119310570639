package pipeline

import (
	"fmt"
	"image"

	"gorgonia.org/tensor"

	"tessera/engine/imgio"
	"tessera/engine/model"
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
	var x *tensor.Dense
	var notes []string
	switch {
	case c.Labels != nil && stage.Config.DD.InChannels == spec.Labels && spec.Labels > 1:
		lm := c.Labels
		f := stage.Config.Factor()
		w, h := lm.W/f*f, lm.H/f*f
		if w == 0 || h == 0 {
			return sample.Cond{}, nil, fmt.Errorf("pipeline: a %dx%d label map is smaller than the cond stage's factor %d", lm.W, lm.H, f)
		}
		labels := cropLabels(lm, w, h)
		if w != lm.W || h != lm.H {
			notes = append(notes, fmt.Sprintf("label map centre-cropped from %dx%d to %dx%d (multiple of %d)", lm.W, lm.H, w, h, f))
		}
		oh, err := imgio.OneHot(labels, w, h, spec.Labels)
		if err != nil {
			return sample.Cond{}, nil, fmt.Errorf("pipeline: %s: %w", c.Describe, err)
		}
		x = oh
	case c.Image != nil:
		var err error
		x, notes, err = condImage(c.Image, stage.Config.DD.InChannels, stage.Config.Factor())
		if err != nil {
			return sample.Cond{}, nil, fmt.Errorf("pipeline: %s: %w", c.Describe, err)
		}
	default:
		return sample.Cond{}, nil, fmt.Errorf("pipeline: this model is conditioned on %s: give a %s", spec.Key, condWanted(spec))
	}
	enc, err := stage.Encode(x, nil)
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
