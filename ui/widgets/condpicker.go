package ui

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
)

// What a model is conditioned on, as far as the controls go.
type condKind int

const (
	condUnusable condKind = iota // a first stage alone cannot sample
	condNothing                  // unconditional
	condClass
	condLabels // a segmentation label map
	condImage  // another image-like map (depth, an image)
)

// condPicker shows the controls for the model's conditioning and turns
// them into a pipeline.Condition: a class picker, a segmentation painter
// with its legend, an image picker, or nothing.
type condPicker struct {
	env     *Env
	status  *statusLine
	paintSz fyne.Size // the painter's least size on screen

	kind     condKind
	names    []string
	labels   int // segmentation: labels 0..labels-1
	factor   int // the cond stage's downsampling factor
	channels int // the cond stage's input channels: 1 for depth, 3 for an image
	box      *fyne.Container
	class    *widget.Select
	painter  *segPainter
	mapName  string // the file the label map came from; "" when painted
	img      image.Image
	imgName  string
	thumb    *canvas.Image

	// onMapSize is told when loading a label map or image changes the
	// condition's size (in cond-stage pixels).
	onMapSize func(w, h int)
}

func newCondPicker(env *Env, status *statusLine, paintSize fyne.Size) *condPicker {
	return &condPicker{env: env, status: status, paintSz: paintSize, box: container.NewVBox()}
}

// condKindOf classifies a model's conditioning.
func condKindOf(m *model.Model) condKind {
	spec := m.Spec.Cond
	switch {
	case m.Transformer == nil:
		return condUnusable
	case spec.Kind == model.CondNone:
		return condNothing
	case spec.Kind == model.CondClass:
		return condClass
	case spec.Kind == model.CondSpatial && spec.Labels > 1 && m.CondStage.Config.DD.InChannels == spec.Labels:
		return condLabels
	}
	return condImage
}

// modelChanged rebuilds the controls for m; a painted map starts as w×h
// cond-stage pixels of label 0.
func (c *condPicker) modelChanged(m *model.Model, w, h int) {
	c.kind = condKindOf(m)
	c.img, c.imgName, c.mapName = nil, "", ""
	var objs []fyne.CanvasObject
	switch c.kind {
	case condUnusable:
		objs = append(objs, wrapped("This model is a VQGAN first stage only: it cannot sample. Open a transformer model (a taming Net2Net checkpoint) to sample.", widget.WarningImportance))
	case condNothing:
		objs = append(objs, wrapped("This model is unconditional: there is nothing to choose.", widget.MediumImportance))
	case condClass:
		c.names = m.Spec.Cond.Names
		opts := make([]string, m.Spec.Cond.Classes)
		for i := range opts {
			opts[i] = labelName(i, c.names)
		}
		c.class = widget.NewSelect(opts, nil)
		c.class.SetSelectedIndex(0)
		objs = append(objs, widget.NewForm(widget.NewFormItem("Class", c.class)))
	case condLabels:
		c.factor = m.CondStage.Config.Factor()
		objs = c.labelControls(m.Spec.Cond, w, h)
	case condImage:
		c.factor, c.channels = m.CondStage.Config.Factor(), m.CondStage.Config.DD.InChannels
		objs = c.imageControls(m.Spec.Cond.Key)
	}
	c.box.Objects = objs
	c.box.Refresh()
}

// wrapped is a word-wrapped label.
func wrapped(text string, imp widget.Importance) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	return l
}

func (c *condPicker) labelControls(spec *model.CondSpec, w, h int) []fyne.CanvasObject {
	c.labels, c.names = spec.Labels, spec.Names
	c.painter = newSegPainter(c.paintSz)
	c.painter.n = spec.Labels
	brush := widget.NewSlider(1, 2)
	brushText := widget.NewLabel("")
	brush.OnChanged = func(r float64) {
		c.painter.radius = int(r)
		brushText.SetText(fmt.Sprintf("Brush %d px", int(r)))
	}
	// The brush goes up to a quarter of the map, starting at a sixteenth.
	c.painter.onSize = func(w, h int) {
		brush.Max = float64(max(2, max(w, h)/4))
		brush.SetValue(float64(max(1, max(w, h)/16)))
	}
	c.painter.fill(w, h, 0)
	c.painter.onChange = func() { c.mapName = "" }
	load := widget.NewButtonWithIcon("Load label map…", theme.FolderOpenIcon(), c.loadLabels)
	fill := widget.NewButtonWithIcon("Fill", theme.ContentClearIcon(), func() {
		c.painter.fill(c.painter.w, c.painter.h, c.painter.label)
		c.mapName = ""
	})
	return []fyne.CanvasObject{
		widget.NewLabel(fmt.Sprintf("Paint the segmentation (labels 0..%d):", spec.Labels-1)),
		c.painter,
		newLegend(c.painter, c.names),
		container.NewBorder(nil, nil, brushText, nil, brush),
		container.NewHBox(load, fill),
	}
}

// loadLabels reads a label map chosen by the user, refusing labels the
// model does not know.
func (c *condPicker) loadLabels() {
	n, painter := c.labels, c.painter
	c.env.Ctrl.PickFile("Load a label map", []string{"png"}, false, func(path string) {
		if path == "" {
			return
		}
		go func() {
			labels, w, h, err := imgio.LoadLabels(path)
			if err == nil {
				err = checkLabels(labels, w, n, path)
			}
			Do(func() {
				if painter != c.painter {
					return // the model changed meanwhile
				}
				if err != nil {
					c.status.fail(err)
					return
				}
				painter.setLabels(labels, w, h)
				c.mapName = filepath.Base(path)
				c.status.info(fmt.Sprintf("Loaded the %d×%d label map %s.", w, h, c.mapName))
				if c.onMapSize != nil {
					c.onMapSize(w, h)
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

func (c *condPicker) imageControls(key string) []fyne.CanvasObject {
	c.thumb = &canvas.Image{FillMode: canvas.ImageFillContain}
	c.thumb.SetMinSize(c.paintSz)
	name := widget.NewLabel("No image chosen")
	pick := widget.NewButtonWithIcon("Choose image…", theme.FolderOpenIcon(), func() {
		c.env.Ctrl.PickFile("Choose the conditioning image ("+key+")", []string{"png", "jpg", "jpeg"}, false, func(path string) {
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
				Do(func() {
					if err != nil {
						c.status.fail(fmt.Errorf("%s: %w", filepath.Base(path), err))
						return
					}
					// The image goes to the sampler as stored; the preview
					// shows what the cond stage will see.
					c.img, c.imgName = img, filepath.Base(path)
					c.thumb.Image = preview
					c.thumb.Refresh()
					name.SetText(withNote(c.imgName, notes))
					if c.onMapSize != nil {
						c.onMapSize(preview.Bounds().Dx(), preview.Bounds().Dy())
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

// condition is the user's choice as a sampling condition.
func (c *condPicker) condition() (pipeline.Condition, error) {
	switch c.kind {
	case condNothing:
		return pipeline.Condition{}, nil
	case condClass:
		i := c.class.SelectedIndex()
		if i < 0 {
			return pipeline.Condition{}, errors.New("choose a class first")
		}
		return pipeline.Condition{Class: &i}, nil
	case condLabels:
		d := c.mapName
		if d == "" {
			d = "painted label map"
		}
		return pipeline.Condition{Labels: c.painter.labelMap(), Describe: d}, nil
	case condImage:
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
