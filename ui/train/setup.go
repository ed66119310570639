package train

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"

	"tessera/engine/data"
	"tessera/engine/imgio"
	engtrain "tessera/engine/train"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// Sizes of the data folder's preview.
const (
	thumbCount = 8
	thumbSize  = 56
	scanDelay  = 400 * time.Millisecond // typing a path pauses before it is read
)

func (v *trainView) buildSetup() {
	v.kind = widget.NewRadioGroup([]string{kindPreset, kindFineTune, kindTransformer}, func(string) {
		v.showKind()
		v.rescan()
	})
	v.kind.Required = true
	v.kindSlot = container.NewStack()
	v.fineText = widgets.Wrapped("", widget.MediumImportance)

	gpts := make([]string, len(engtrain.GPTPresets))
	for i, p := range engtrain.GPTPresets {
		gpts[i] = p.Name + " — " + p.Summary
	}
	v.gpt = widget.NewSelect(gpts, func(string) { v.refresh() })
	v.gpt.SetSelectedIndex(0)
	v.cond = widget.NewRadioGroup([]string{condNone, condClasses, condLabels}, func(string) {
		v.showKind()
		v.rescan()
	})
	v.cond.Required = true
	v.labels = widget.NewEntry()
	v.labels.SetPlaceHolder("folder of 8-bit label PNGs")
	v.labels.OnChanged = func(string) { v.rescanLater() }
	v.condStage = widget.NewEntry()
	v.condStage.SetPlaceHolder("a model with a segmentation cond stage")
	v.condStage.OnChanged = func(string) { v.refresh() }
	pickLabels := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		v.env.Ctrl.PickFolder("Label maps at the images' relative paths", func(dir string) {
			if dir != "" {
				v.labels.SetText(dir)
				v.rescan()
			}
		})
	})
	pickStage := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		v.env.Ctrl.PickFile("A model with a segmentation cond stage", []string{"ckpt", "safetensors"}, func(path string) {
			if path != "" {
				v.condStage.SetText(path)
			}
		})
	})
	v.labelRow = widget.NewForm(
		widget.NewFormItem("Labels", container.NewBorder(nil, nil, nil, pickLabels, v.labels)),
		widget.NewFormItem("Cond stage", container.NewBorder(nil, nil, nil, pickStage, v.condStage)))
	v.gptNote = widgets.Wrapped("", widget.MediumImportance)
	v.gptBox = container.NewVBox(v.gptNote,
		widget.NewForm(widget.NewFormItem("Size", v.gpt), widget.NewFormItem("Condition", v.cond)),
		v.labelRow)

	v.data = widget.NewEntry()
	v.data.SetPlaceHolder("a folder of PNG or JPEG images")
	v.data.OnChanged = func(string) { v.rescanLater() }
	v.data.OnSubmitted = func(string) { v.rescan() }
	v.dataInfo = widgets.Wrapped("", widget.MediumImportance)
	v.dataInfo.Hide()
	v.thumbs = container.NewGridWrap(fyne.NewSquareSize(thumbSize))
	v.thumbs.Hide()
	v.out = widget.NewEntry()
	v.out.SetPlaceHolder("a new folder for the run")
	v.out.OnChanged = func(string) {
		v.probe()
		v.refresh()
	}
	v.steps = widget.NewEntry()
	v.steps.SetText("1000")
	v.steps.OnChanged = func(string) { v.refresh() }
	v.batch = widget.NewEntry()
	v.batch.SetText(fmt.Sprint(engtrain.DefaultBatch))
	v.batch.OnChanged = func(string) {
		v.presets.show()
		v.refresh()
	}
	v.presets = newPresetList(v)
	v.adv = newAdvanced(v)

	v.kind.SetSelected(kindPreset)
	v.cond.SetSelected(condNone)
}

// setupBox lays the setup out, top to bottom.
func (v *trainView) setupBox() fyne.CanvasObject {
	v.chooseData = widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		v.env.Ctrl.PickFolder("Training images", func(dir string) {
			if dir != "" {
				v.data.SetText(dir)
				v.rescan()
			}
		})
	})
	v.chooseOut = widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		v.env.Ctrl.PickFolder("Output folder of the run", func(dir string) {
			if dir != "" {
				v.out.SetText(dir)
			}
		})
	})
	advanced := widget.NewAccordion(widget.NewAccordionItem("Advanced", v.adv.form))
	return container.NewVBox(
		widgets.Heading("What to train"), v.kind, v.kindSlot,
		widget.NewSeparator(),
		widgets.Heading("Data"), container.NewBorder(nil, nil, nil, v.chooseData, v.data), v.dataInfo, v.thumbs,
		widget.NewSeparator(),
		widgets.Heading("Output"), container.NewBorder(nil, nil, nil, v.chooseOut, v.out),
		widget.NewForm(widget.NewFormItem("Steps", v.steps), widget.NewFormItem("Batch", v.batch)),
		advanced,
	)
}

// showKind shows the controls of the chosen kind of run.
func (v *trainView) showKind() {
	if v.adv == nil {
		return // still building
	}
	var shown fyne.CanvasObject
	switch v.kind.Selected {
	case kindPreset:
		shown = v.presets.box
	case kindFineTune:
		if v.m == nil {
			v.fineText.Importance = widget.WarningImportance
			v.fineText.SetText("Open a model first (Ctrl+O): its first stage is what is fine-tuned.")
		} else {
			v.fineText.Importance = widget.MediumImportance
			v.fineText.SetText(fmt.Sprintf("Fine-tunes the first stage of %s (%d codes, f%d), starting at step 0; a fresh discriminator if it has none. LPIPS comes from the model when it holds it (a taming training checkpoint); else see Advanced.",
				filepath.Base(v.m.WeightsPath), v.card.CodebookSize, v.card.Factor))
		}
		v.fineText.Refresh()
		shown = v.fineText
	case kindTransformer:
		if v.m == nil {
			v.gptNote.Importance = widget.WarningImportance
			v.gptNote.SetText("Open a model first (Ctrl+O): the transformer learns over its first stage, which stays frozen.")
		} else {
			v.gptNote.Importance = widget.MediumImportance
			v.gptNote.SetText(fmt.Sprintf("A fresh transformer over the frozen first stage of %s (%d codes, f%d).", filepath.Base(v.m.WeightsPath), v.card.CodebookSize, v.card.Factor))
		}
		v.gptNote.Refresh()
		if v.cond.Selected == condLabels {
			v.labelRow.Show()
		} else {
			v.labelRow.Hide()
		}
		shown = v.gptBox
	}
	v.kindSlot.Objects = []fyne.CanvasObject{shown}
	v.kindSlot.Refresh()
	v.adv.showFor(v.kind.Selected)
	v.refresh()
}

// rescanLater reads the data folder once typing pauses.
func (v *trainView) rescanLater() {
	if v.scanDelay != nil {
		v.scanDelay.Stop()
	}
	v.scanDelay = time.AfterFunc(scanDelay, func() { view.Do(v.rescan) })
}

// scanOptions are what the chosen kind reads from the data folder.
func (v *trainView) scanOptions() data.ScanOptions {
	if v.kind.Selected != kindTransformer {
		return data.ScanOptions{}
	}
	switch v.cond.Selected {
	case condClasses:
		return data.ScanOptions{Classes: true}
	case condLabels:
		return data.ScanOptions{LabelDir: strings.TrimSpace(v.labels.Text)}
	}
	return data.ScanOptions{}
}

// rescan reads the data folder off the UI goroutine and shows what it
// holds: how many images, their classes or label maps, a few thumbnails.
func (v *trainView) rescan() {
	if v.adv == nil {
		return // still building
	}
	if v.scanDelay != nil {
		v.scanDelay.Stop()
	}
	v.scanGen++
	gen, dir, opt := v.scanGen, strings.TrimSpace(v.data.Text), v.scanOptions()
	v.scanned = nil
	v.thumbs.RemoveAll()
	v.thumbs.Hide()
	if dir == "" {
		v.dataInfo.SetText("")
		v.dataInfo.Hide()
		v.refresh()
		return
	}
	v.dataInfo.Show()
	v.dataInfo.Importance = widget.MediumImportance
	v.dataInfo.SetText("Reading " + dir + "…")
	v.refresh()
	go func() {
		set, err := data.Scan(dir, opt)
		var thumbs []image.Image
		if err == nil {
			thumbs = thumbnails(set)
		}
		view.Do(func() {
			if gen == v.scanGen {
				v.scannedData(set, thumbs, err)
			}
		})
	}()
}

func (v *trainView) scannedData(set *data.Set, thumbs []image.Image, err error) {
	if err != nil {
		v.dataInfo.Importance = widget.DangerImportance
		v.dataInfo.SetText(err.Error())
		v.refresh()
		return
	}
	v.scanned = set
	v.dataInfo.Importance = widget.MediumImportance
	v.dataInfo.SetText(describeSet(set))
	for _, t := range thumbs {
		img := canvas.NewImageFromImage(t)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSquareSize(thumbSize))
		v.thumbs.Add(img)
	}
	v.thumbs.Hidden = len(thumbs) == 0
	if v.out.Text == "" {
		v.out.SetText(suggestOut(set.Dir, v.kind.Selected))
	}
	v.presets.measureSelected()
	v.refresh()
}

// describeSet says what a data folder holds.
func describeSet(set *data.Set) string {
	s := fmt.Sprintf("%d images found", len(set.Items))
	if len(set.Items) == 1 {
		s = "1 image found"
	}
	switch n := set.NumClasses(); {
	case n > 0 && set.ClassNames != nil:
		names := set.ClassNames
		more := ""
		if len(names) > 6 {
			names, more = names[:6], ", …"
		}
		s += fmt.Sprintf(" in %d classes: %s%s", n, strings.Join(names, ", "), more)
	case n > 0:
		s += fmt.Sprintf(" in %d classes (ids 0..%d from the folder names)", n, n-1)
	}
	if len(set.Items) > 0 && set.Items[0].LabelPath != "" {
		s += ", each with its label map"
	}
	return s + "."
}

// thumbnails decodes a few images spread over the set, scaled down.
func thumbnails(set *data.Set) []image.Image {
	n := min(thumbCount, len(set.Items))
	var out []image.Image
	for i := range n {
		it := set.Items[i*len(set.Items)/n]
		img, err := imgio.Decode(it.Path)
		if err != nil {
			continue // Scan lists files by name; a broken one shows when training reads it
		}
		b := img.Bounds()
		s := float64(thumbSize) / float64(max(b.Dx(), b.Dy()))
		w, h := max(1, int(float64(b.Dx())*s)), max(1, int(float64(b.Dy())*s))
		t := image.NewNRGBA(image.Rect(0, 0, w, h))
		xdraw.ApproxBiLinear.Scale(t, t.Rect, img, b, xdraw.Src, nil)
		out = append(out, t)
	}
	return out
}

// suggestOut is a new folder beside the data for a run's output.
func suggestOut(dataDir, kind string) string {
	name := "vqgan"
	if kind == kindTransformer {
		name = "transformer"
	}
	base := filepath.Join(filepath.Dir(dataDir), filepath.Base(dataDir)+"-"+name)
	for i := 1; ; i++ {
		p := base
		if i > 1 {
			p = fmt.Sprintf("%s-%d", base, i)
		}
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			return p
		}
	}
}

// errHeld is why Start refuses a folder that holds a run.
var errHeld = errors.New("the output folder holds a run")

// heldRun describes the run the output folder holds, or "".
func (v *trainView) heldRun() string {
	out := strings.TrimSpace(v.out.Text)
	if out == "" {
		return ""
	}
	if _, err := os.Stat(filepath.Join(out, engtrain.ModelFile)); err != nil {
		return ""
	}
	if last := v.curves.lastStep(); last > 0 {
		return fmt.Sprintf("%s holds a run (last logged step %d): Resume continues it (raise Steps to go further), or choose another folder for a new run.", filepath.Base(out), last)
	}
	return filepath.Base(out) + " holds a run: Resume continues it (raise Steps to go further), or choose another folder for a new run."
}
