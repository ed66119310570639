package widgets

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/data/landscape"
	"tessera/engine/model"

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

// withNames is m with its conditioning's names replaced, as a model
// trained with --label-names (the built-in landscape model) carries them.
func withNames(m *model.Model, names ...string) *model.Model {
	out := *m
	cond := *m.Spec.Cond
	cond.Names = names
	out.Spec.Cond = &cond
	return &out
}

// swatchColor is the colour in the middle of a legend button's swatch.
func swatchColor(t *testing.T, b *widget.Button) color.NRGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b.Icon.Content()))
	if err != nil {
		t.Fatal(err)
	}
	return color.NRGBAModel.Convert(img.At(8, 8)).(color.NRGBA)
}

// A segmentation model whose labels are the landscapes' is painted in the
// landscapes' colours (sky blue, grass green), in the map and the legend;
// other label names keep the generic palette.
func TestCondPickerPaintsLandscapeLabelsInTheirColours(t *testing.T) {
	env, _ := uitest.Env(t)
	c := NewCondPicker(env, NewStatusLine(), fyne.NewSquareSize(200))
	w := uitest.Window(t, env, c.Content)
	m, _ := uitest.OpenModel(t, env, "seg_transformer") // 5 labels
	names := []string{"sky", "water", "sand", "grass", "tree"}
	want := []color.NRGBA{
		landscape.LabelColors[landscape.Sky], landscape.LabelColors[landscape.Water], landscape.LabelColors[landscape.Sand],
		landscape.LabelColors[landscape.Grass], landscape.LabelColors[landscape.Tree],
	}
	view.Sync(func() { c.ModelChanged(withNames(m, names...), 16, 16) })
	for l, name := range names {
		b := uitest.FindButton(t, w, fmt.Sprintf("%d · %s", l, name))
		if got := swatchColor(t, b); got != want[l] {
			t.Errorf("the legend shows %s in %v, want %v", name, got, want[l])
		}
		view.Sync(func() {
			if got := c.Painter().LabelColor(l); got != want[l] {
				t.Errorf("%s is painted in %v, want %v", name, got, want[l])
			}
		})
	}
	// The map starts as sky, shown in the sky's colour; a dab of grass is
	// shown green.
	uitest.TapButton(t, w, "3 · grass")
	view.Sync(func() {
		p := c.Painter()
		at, size := p.MapArea()
		test.TapAt(p, fyne.NewPos(at.X+size.Width/2, at.Y+size.Height/2))
		if got := p.img.NRGBAAt(0, 0); got != want[0] {
			t.Errorf("the sky is shown as %v", got)
		}
		if got := p.img.NRGBAAt(8, 8); got != want[3] || p.LabelMap().Labels[8*16+8] != 3 {
			t.Errorf("the grass dab is shown as %v", got)
		}
	})

	// Names that are not all landscape labels, or none: the generic palette.
	for _, mm := range []*model.Model{withNames(m, "sky", "water", "sand", "grass", "lava"), m} {
		view.Sync(func() {
			c.ModelChanged(mm, 16, 16)
			for l := range 5 {
				if got := c.Painter().LabelColor(l); got != labelColor(l) {
					t.Errorf("names %v: label %d in %v, want the generic %v", mm.Spec.Cond.Names, l, got, labelColor(l))
				}
			}
		})
	}
}

// The class picker offers the model's class names, as the built-in scenes
// model names its scene types.
func TestCondPickerShowsClassNames(t *testing.T) {
	env, _ := uitest.Env(t)
	c := NewCondPicker(env, NewStatusLine(), fyne.NewSquareSize(200))
	w := uitest.Window(t, env, c.Content)
	m, _ := uitest.OpenModel(t, env, "cin_transformer") // 10 classes, no names
	view.Sync(func() { c.ModelChanged(m, 16, 16) })
	class := uitest.Find(t, w, func(*widget.Select) bool { return true })
	view.Sync(func() {
		if class.Options[3] != "3" {
			t.Errorf("an unnamed class is offered as %q", class.Options[3])
		}
	})
	scenes := []string{"alpine", "coast", "desert", "dusk", "forest", "lake", "meadow", "", "moor", "tundra"}
	view.Sync(func() { c.ModelChanged(withNames(m, scenes...), 16, 16) })
	class = uitest.Find(t, w, func(*widget.Select) bool { return true })
	view.Sync(func() {
		want := []string{"0 · alpine", "1 · coast", "2 · desert", "3 · dusk", "4 · forest", "5 · lake", "6 · meadow", "7", "8 · moor", "9 · tundra"}
		if !slices.Equal(class.Options, want) {
			t.Errorf("the class picker offers %v, want %v", class.Options, want)
		}
		class.SetSelected("3 · dusk")
		cond, err := c.Condition()
		if err != nil || cond.Class == nil || *cond.Class != 3 {
			t.Errorf("choosing dusk gives class %v (%v), want 3", cond.Class, err)
		}
	})
}
