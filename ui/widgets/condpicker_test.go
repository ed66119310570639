package widgets

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestCondPickerShowsDepthAsTheCondStageSeesIt(t *testing.T) {
	env, ctrl := uitest.Env(t)
	c := NewCondPicker(env, NewStatusLine(), fyne.NewSquareSize(200))
	w := uitest.Window(t, env, c.Content)
	m, _ := uitest.OpenModel(t, env, "depth_transformer")
	view.Sync(func() {
		c.ModelChanged(m, 16, 16)
		if c.Kind() != CondImage || c.channels != 1 {
			t.Fatalf("condition kind %d with %d channels, want an image picker for depth", c.Kind(), c.channels)
		}
	})
	ctrl.SetAnswer(uitest.Tiny("depth_transformer", "depth.png"))
	uitest.TapButton(t, w, "Choose image…")
	// The packed float32 depth is shown as the normalised grey map the cond
	// stage sees: near at the bottom (dark), far at the top (light).
	var preview *image.Gray
	uitest.WaitFor(t, func() bool { preview, _ = c.thumb.Image.(*image.Gray); return preview != nil })
	if b := preview.Bounds(); b.Dx() != 56 || b.Dy() != 40 {
		t.Fatalf("preview %v, want 56x40", b)
	}
	if top, bottom := preview.GrayAt(0, 0).Y, preview.GrayAt(0, 39).Y; top <= bottom {
		t.Errorf("preview top %d, bottom %d: the far top should be lighter", top, bottom)
	}
	if !uitest.ShowsText(w, "float32 depth") {
		t.Error("the picker does not say how the depth map was read")
	}
}
