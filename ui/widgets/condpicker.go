package widgets

import (
	"errors"
	"fmt"
	"image"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/imgio"
	"tessera/engine/model"
	"tessera/engine/pipeline"
	"tessera/ui/view"
)

// CondKind is what a model is conditioned on, as far as the controls go.
type CondKind int

const (
	CondUnusable CondKind = iota // a first stage alone cannot sample
	CondNothing                  // unconditional
	CondClass
	CondLabels // a segmentation label map
	CondImage  // another image-like map (depth, an image)
)

// CondPicker shows the controls for the model's conditioning and turns
// them into a pipeline.Condition: a class picker, a segmentation painter
// with its legend, an image picker, or nothing.
type CondPicker struct {
	env     *view.Env
	status  *StatusLine
	paintSz fyne.Size // the painter's least size on screen

	kind     CondKind
	names    []string
	labels   int // segmentation: labels 0..labels-1
	factor   int // the cond stage's downsampling factor
	channels int // the cond stage's input channels: 1 for depth, 3 for an image
	box      *fyne.Container
	class    *classPicker
	painter  *SegPainter
	tools    *paintTools
	mapName  string // the file the label map came from; "" when painted
	img      image.Image
	imgName  string
	thumb    *canvas.Image

	// OnMapSize is told when loading a label map or image changes the
	// condition's size (in cond-stage pixels).
	OnMapSize func(w, h int)
}

func NewCondPicker(env *view.Env, status *StatusLine, paintSize fyne.Size) *CondPicker {
	c := &CondPicker{env: env, status: status, paintSz: paintSize, box: container.NewVBox()}
	env.Cond().Watch(c, c.followShare)
	return c
}

// Content is the controls, rebuilt for each model.
func (c *CondPicker) Content() fyne.CanvasObject { return c.box }

// Kind is the model's conditioning.
func (c *CondPicker) Kind() CondKind { return c.kind }

// Painter is the label map painter of a segmentation model, else nil.
func (c *CondPicker) Painter() *SegPainter {
	if c.kind != CondLabels {
		return nil
	}
	return c.painter
}

// CondKindOf classifies a model's conditioning.
func CondKindOf(m *model.Model) CondKind {
	spec := m.Spec.Cond
	switch {
	case m.Transformer == nil:
		return CondUnusable
	case spec.Kind == model.CondNone:
		return CondNothing
	case spec.Kind == model.CondClass:
		return CondClass
	case spec.Kind == model.CondSpatial && spec.Labels > 1 && m.CondStage.Config.DD.InChannels == spec.Labels:
		return CondLabels
	}
	return CondImage
}

// ModelChanged rebuilds the controls for m; a painted map is the map the
// views share (see startMap), shown at w×h cond-stage pixels.
func (c *CondPicker) ModelChanged(m *model.Model, w, h int) {
	c.kind = CondKindOf(m)
	c.img, c.imgName, c.mapName = nil, "", ""
	labels := 0
	if c.kind == CondLabels {
		labels = m.Spec.Cond.Labels
	}
	c.env.Cond().Open(m.WeightsPath, labels)
	var objs []fyne.CanvasObject
	switch c.kind {
	case CondUnusable:
		objs = append(objs, Wrapped("This model is a VQGAN first stage only: it cannot sample. Open a transformer model (a taming Net2Net checkpoint) to sample.", widget.WarningImportance))
	case CondNothing:
		objs = append(objs, Wrapped("This model is unconditional: there is nothing to choose.", widget.MediumImportance))
	case CondClass:
		c.names = classNames(m)
		share := c.env.Cond()
		c.class = newClassPicker(m.Spec.Cond.Classes, c.names, share.Class(), func(i int) { share.SetClass(c, i) })
		objs = append(objs, c.class.form)
	case CondLabels:
		c.factor = m.CondStage.Config.Factor()
		objs = c.labelControls(m.Spec.Cond, w, h)
	case CondImage:
		c.factor, c.channels = m.CondStage.Config.Factor(), m.CondStage.Config.DD.InChannels
		objs = c.imageControls(m.Spec.Cond.Key)
	}
	c.box.Objects = objs
	c.box.Refresh()
}

// followShare shows a map or class the other view chose; the map is
// scaled to this view's size, and the change can be undone here too.
func (c *CondPicker) followShare() {
	share := c.env.Cond()
	switch c.kind {
	case CondClass:
		c.class.show(share.Class())
	case CondLabels:
		labels, w, h := share.Map()
		p := c.painter
		if labels == nil || p.painting {
			return
		}
		p.remember()
		p.setLabels(scaleLabels(labels, w, h, p.w, p.h), p.w, p.h)
		c.mapName = ""
		c.tools.follow(p)
	}
}

// show highlights the tool in use.
func (t *paintTools) show(tool SegTool) {
	for i, b := range t.tools {
		b.Importance = widget.MediumImportance
		if segTools[i].tool == tool {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
}

// follow enables undo and redo when there is a step to take.
func (t *paintTools) follow(p *SegPainter) {
	Enable(t.undo, p.CanUndo())
	Enable(t.redo, p.CanRedo())
}

// loadLabels reads a label map chosen by the user, refusing labels the
// model does not know.
func (c *CondPicker) loadLabels() {
	n, painter := c.labels, c.painter
	c.env.Ctrl.PickFile("Load a label map", []string{"png"}, func(path string) {
		if path == "" {
			return
		}
		go func() {
			labels, w, h, err := imgio.LoadLabels(path)
			if err == nil {
				err = checkLabels(labels, w, n, path)
			}
			view.Do(func() {
				if painter != c.painter {
					return // the model changed meanwhile
				}
				if err != nil {
					c.status.Fail(err)
					return
				}
				painter.remember()
				painter.setLabels(labels, w, h)
				painter.changed()
				c.mapName = filepath.Base(path)
				c.status.Info(fmt.Sprintf("Loaded the %d×%d label map %s.", w, h, c.mapName))
				if c.OnMapSize != nil {
					c.OnMapSize(w, h)
				}
			})
		}()
	})
}

// checkLabels names the first label outside 0..n-1 and where it is.
func checkLabels(labels []int, w, n int, path string) error {
	for i, l := range labels {
		if l < 0 || l >= n {
			return fmt.Errorf("%s: label %d at pixel (%d, %d) is outside this model's labels 0..%d", filepath.Base(path), l, i%w, i/w, n-1)
		}
	}
	return nil
}

func (c *CondPicker) imageControls(key string) []fyne.CanvasObject {
	c.thumb = &canvas.Image{FillMode: canvas.ImageFillContain}
	c.thumb.SetMinSize(c.paintSz)
	name := widget.NewLabel("No image chosen")
	pick := widget.NewButtonWithIcon("Choose image…", theme.FolderOpenIcon(), func() {
		c.env.Ctrl.PickFile("Choose the conditioning image ("+key+")", []string{"png", "jpg", "jpeg"}, func(path string) {
			if path == "" {
				return
			}
			factor, channels := c.factor, c.channels
			go func() {
				img, err := imgio.Decode(path)
				var preview image.Image
				var notes []string
				if err == nil {
					preview, notes, err = condPreview(img, channels, factor)
				}
				view.Do(func() {
					if err != nil {
						c.status.Fail(fmt.Errorf("%s: %w", filepath.Base(path), err))
						return
					}
					// The image goes to the sampler as stored; the preview
					// shows what the cond stage will see.
					c.img, c.imgName = img, filepath.Base(path)
					c.thumb.Image = preview
					c.thumb.Refresh()
					name.SetText(withNote(c.imgName, notes))
					if c.OnMapSize != nil {
						c.OnMapSize(preview.Bounds().Dx(), preview.Bounds().Dy())
					}
				})
			}()
		})
	})
	return []fyne.CanvasObject{widget.NewLabel("Condition on a " + key + " image:"), c.thumb, name, pick}
}

func withNote(name string, notes []string) string {
	if len(notes) == 0 {
		return name
	}
	return fmt.Sprintf("%s (%s)", name, notes[0])
}

// SetClass chooses class i of a class model, as the user would (the
// other view follows), and tells whether the model has it.
func (c *CondPicker) SetClass(i int) bool {
	if c.kind != CondClass || i < 0 || i >= len(c.class.options) {
		return false
	}
	c.class.show(i)
	c.env.Cond().SetClass(c, i)
	return true
}

// Condition is the user's choice as a sampling condition.
func (c *CondPicker) Condition() (pipeline.Condition, error) {
	switch c.kind {
	case CondNothing:
		return pipeline.Condition{}, nil
	case CondClass:
		i := c.class.chosen
		return pipeline.Condition{Class: &i}, nil
	case CondLabels:
		d := c.mapName
		if d == "" {
			d = "painted label map"
		}
		return pipeline.Condition{Labels: c.painter.LabelMap(), Describe: d}, nil
	case CondImage:
		if c.img == nil {
			return pipeline.Condition{}, errors.New("choose a conditioning image first")
		}
		return pipeline.Condition{Image: c.img, Describe: c.imgName}, nil
	}
	return pipeline.Condition{}, errors.New("this model is a VQGAN first stage only: it cannot sample")
}

// condPreview shows a conditioning image as the cond stage takes it: a depth
// map normalised to grey for a one-channel stage, else the cropped RGB image.
func condPreview(img image.Image, channels, factor int) (image.Image, []string, error) {
	if channels == 1 {
		t, notes, err := imgio.DepthTensor(img, factor)
		if err != nil {
			return nil, nil, err
		}
		return imgio.DepthPreview(t), notes, nil
	}
	return imgio.Prepare(img, factor)
}
