package train

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	engtrain "tessera/engine/train"
)

// advanced holds the remaining flags of tessera train; an empty entry
// means the flag's default.
type advanced struct {
	size, lr, seed, accumulate, ema, clip *widget.Entry
	saveEvery, imageEvery, restart        *widget.Entry
	perceptual, discStart, lpips, pkeep   *widget.Entry
	noShuffle, noAugment, lpipsDropout    *widget.Check
	vqgan, transformer                    *widget.Form // the flags of one kind
	form                                  fyne.CanvasObject
}

func newAdvanced(v *trainView) *advanced {
	a := &advanced{}
	entry := func(placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.OnChanged = func(string) { v.refresh() }
		return e
	}
	item := func(name string, o fyne.CanvasObject, hint string) *widget.FormItem {
		it := widget.NewFormItem(name, o)
		it.HintText = hint
		return it
	}
	check := func(text string) *widget.Check { return widget.NewCheck(text, func(bool) { v.refresh() }) }
	a.size, a.lr, a.seed = entry("the model's"), entry("base × batch × accumulate"), entry("0")
	a.accumulate, a.ema, a.clip = entry("1"), entry("off"), entry("off")
	a.saveEvery, a.imageEvery, a.restart = entry(fmt.Sprint(engtrain.DefaultSaveEvery)), entry(fmt.Sprint(engtrain.DefaultImageEvery)), entry("off")
	a.perceptual, a.discStart, a.lpips, a.pkeep = entry("the model's"), entry("the model's"), entry("from the model"), entry("the model's, else 1")
	a.noShuffle = check("Images in path order")
	a.noAugment = check("Centre crops, no flips")
	a.lpipsDropout = check("LPIPS dropout (as taming)")
	pickLPIPS := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		v.env.Ctrl.PickFile("A checkpoint holding LPIPS weights", []string{"ckpt", "safetensors"}, func(path string) {
			if path != "" {
				a.lpips.SetText(path)
			}
		})
	})
	a.vqgan = widget.NewForm(
		item("Perceptual", a.perceptual, "LPIPS weight; 0 trains without it"),
		item("Disc start", a.discStart, "step the discriminator starts"),
		item("LPIPS", container.NewBorder(nil, nil, nil, pickLPIPS, a.lpips), "a file holding LPIPS weights"),
		item("", a.lpipsDropout, ""),
		item("Restart dead", a.restart, "steps a code may go unused"),
	)
	a.transformer = widget.NewForm(item("Keep tokens", a.pkeep, "pkeep: chance to keep a token"))
	common := widget.NewForm(
		item("Crop size", a.size, "pixels"),
		item("Learning rate", a.lr, ""),
		item("Seed", a.seed, "of every random draw"),
		item("Accumulate", a.accumulate, "micro-batches per step"),
		item("Weight average", a.ema, "EMA decay, e.g. 0.999"),
		item("Clip gradients", a.clip, "of the joint L2 norm"),
		item("Save every", a.saveEvery, "steps between checkpoints"),
		item("Picture every", a.imageEvery, "after steps 1, 2, 4, … too"),
		item("", a.noShuffle, ""),
		item("", a.noAugment, ""),
	)
	a.form = container.NewVBox(common, a.vqgan, a.transformer)
	return a
}

// showFor shows the flags that apply to a kind of run.
func (a *advanced) showFor(kind string) {
	a.vqgan.Hidden = kind == kindTransformer
	a.transformer.Hidden = kind != kindTransformer
	a.form.Refresh()
}

// options are the advanced flags as train options; the kind, data, output,
// steps and batch are left to the caller.
func (a *advanced) options() (engtrain.Options, error) {
	var o engtrain.Options
	var err error
	ints := []struct {
		e    *widget.Entry
		name string
		to   *int
	}{
		{a.size, "crop size", &o.Size}, {a.accumulate, "accumulation", &o.Accumulate},
		{a.saveEvery, "save interval", &o.SaveEvery}, {a.imageEvery, "picture interval", &o.ImageEvery},
		{a.restart, "dead-code restart", &o.RestartDead},
	}
	for _, f := range ints {
		if *f.to, err = optionalInt(f.e.Text, f.name); err != nil {
			return o, err
		}
	}
	floats := []struct {
		e    *widget.Entry
		name string
		to   *float64
	}{{a.lr, "learning rate", &o.LR}, {a.ema, "weight average", &o.EMA}, {a.clip, "gradient clip", &o.ClipGrad}}
	for _, f := range floats {
		if *f.to, err = optionalFloat(f.e.Text, f.name); err != nil {
			return o, err
		}
	}
	if s := strings.TrimSpace(a.seed.Text); s != "" {
		if o.Seed, err = strconv.ParseInt(s, 10, 64); err != nil {
			return o, fmt.Errorf("the seed must be a whole number, not %q", a.seed.Text)
		}
	}
	if o.PerceptualWeight, err = pointerFloat(a.perceptual.Text, "perceptual weight"); err != nil {
		return o, err
	}
	if o.PKeep, err = pointerFloat(a.pkeep.Text, "token keep probability"); err != nil {
		return o, err
	}
	if s := strings.TrimSpace(a.discStart.Text); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return o, fmt.Errorf("the discriminator's start must be a step, not %q", a.discStart.Text)
		}
		o.DiscStart = &n
	}
	o.LPIPS = strings.TrimSpace(a.lpips.Text)
	o.NoShuffle, o.NoAugment, o.LPIPSDropout = a.noShuffle.Checked, a.noAugment.Checked, a.lpipsDropout.Checked
	return o, nil
}

// optionalInt reads a count that may be left empty (0: the default).
func optionalInt(s, name string) (int, error) {
	if s = strings.TrimSpace(s); s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("the %s must be a whole number of at least 0, not %q", name, s)
	}
	return n, nil
}

// optionalFloat reads a value that may be left empty (0: the default).
func optionalFloat(s, name string) (float64, error) {
	p, err := pointerFloat(s, name)
	if p == nil {
		return 0, err
	}
	return *p, nil
}

// pointerFloat reads a value that may be left empty (nil: the model's).
func pointerFloat(s, name string) (*float64, error) {
	if s = strings.TrimSpace(s); s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("the %s must be a number of at least 0, not %q", name, s)
	}
	return &f, nil
}

// positive reads a required whole number of at least 1.
func positive(s, name string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("the %s must be a whole number of at least 1, not %q", name, s)
	}
	return n, nil
}

func (v *trainView) batchText() string { return v.batch.Text }

// scannedDir is the data folder last read, or "".
func (v *trainView) scannedDir() string {
	if v.scanned == nil {
		return ""
	}
	return v.scanned.Dir
}

// options are the run the setup describes, or what is missing for one.
func (v *trainView) options() (engtrain.Options, error) {
	opt, err := v.adv.options()
	if err != nil {
		return opt, err
	}
	switch dir := strings.TrimSpace(v.data.Text); {
	case dir == "":
		return opt, errors.New("choose a folder of training images")
	case v.scanned == nil || v.scanned.Dir != dir:
		return opt, errors.New("the data folder has no usable images yet (see Data)")
	}
	opt.Data = v.scanned.Dir
	if opt.Out = strings.TrimSpace(v.out.Text); opt.Out == "" {
		return opt, errors.New("choose an output folder for the run")
	}
	if opt.Steps, err = positive(v.steps.Text, "number of steps"); err != nil {
		return opt, err
	}
	if opt.Batch, err = positive(v.batch.Text, "batch"); err != nil {
		return opt, err
	}
	switch v.kind.Selected {
	case kindPreset:
		opt.Kind, opt.Preset = engtrain.KindVQGAN, v.presets.selected
	case kindFineTune:
		if v.m == nil {
			return opt, errors.New("open a model to fine-tune (Ctrl+O)")
		}
		opt.Kind, opt.Init = engtrain.KindVQGAN, v.m.WeightsPath
	case kindTransformer:
		if v.m == nil {
			return opt, errors.New("open the model whose first stage the transformer works over (Ctrl+O)")
		}
		opt.Kind, opt.FirstStage = engtrain.KindTransformer, v.m.WeightsPath
		opt.GPTPreset = engtrain.GPTPresets[max(v.gpt.SelectedIndex(), 0)].Name
		switch v.cond.Selected {
		case condNone:
			opt.Condition = engtrain.ConditionNone
		case condClasses:
			opt.Condition = engtrain.ConditionClass
		case condLabels:
			opt.Condition = engtrain.ConditionSegmentation
			opt.Labels, opt.CondStage = strings.TrimSpace(v.labels.Text), strings.TrimSpace(v.condStage.Text)
			if opt.Labels == "" || opt.CondStage == "" {
				return opt, errors.New("segmentation needs the folder of label maps and a model with a segmentation cond stage")
			}
		}
	}
	return opt, nil
}

// twoDigits writes a slider's value.
func twoDigits(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }
