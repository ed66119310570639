package train

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	engtrain "tessera/engine/train"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// measureSteps is how many steps a preset's timing takes (after one
// untimed step that builds the graphs).
const measureSteps = 2

// presetList offers the VQGAN presets, each with its size and, once
// measured on the chosen data, its parameter count and time per 1000 steps.
type presetList struct {
	v        *trainView
	selected string
	rows     map[string]*presetRow
	measured map[string]measured
	pending  map[string]*jobs.Job
	box      *fyne.Container
}

// measured is a preset's timing and what it was measured on.
type measured struct {
	data   string
	batch  int
	timing engtrain.Timing
}

type presetRow struct {
	name    *widget.Button
	timing  *widget.Label
	measure *widget.Button
}

func newPresetList(v *trainView) *presetList {
	l := &presetList{v: v, rows: map[string]*presetRow{}, measured: map[string]measured{}, pending: map[string]*jobs.Job{},
		box:      container.NewVBox(widgets.Wrapped("Each size's parameters and speed are measured on your data folder (the clock button: a few steps).", widget.LowImportance)),
		selected: engtrain.Presets[0].Name}
	for _, p := range engtrain.Presets {
		r := &presetRow{
			name:    widget.NewButton(p.Name, func() { l.choose(p.Name) }),
			timing:  widgets.Wrapped("", widget.LowImportance),
			measure: widget.NewButtonWithIcon("", theme.HistoryIcon(), func() { l.measure(p.Name) }),
		}
		l.rows[p.Name] = r
		about := widgets.Wrapped(p.Summary, widget.MediumImportance)
		l.box.Add(container.NewBorder(nil, nil, container.NewVBox(r.name), container.NewVBox(r.measure),
			container.NewVBox(about, r.timing)))
	}
	l.show()
	return l
}

func (l *presetList) choose(name string) {
	l.selected = name
	l.show()
	l.measureSelected()
	l.v.refresh()
}

// show brings the rows up to date: the choice and every timing.
func (l *presetList) show() {
	batch, _ := positive(l.v.batchText(), "batch")
	for name, r := range l.rows {
		r.name.Importance = widget.MediumImportance
		if name == l.selected {
			r.name.Importance = widget.HighImportance
		}
		r.name.Refresh()
		r.timing.Importance = widget.MediumImportance
		if _, ok := l.measured[name]; !ok {
			r.timing.Importance = widget.LowImportance
		}
		r.timing.SetText(l.timingText(name, batch))
	}
}

func (l *presetList) timingText(name string, batch int) string {
	m, ok := l.measured[name]
	switch {
	case l.pending[name] != nil:
		return "Measuring on this machine…"
	case !ok:
		return "Not measured yet."
	}
	s := fmt.Sprintf("%s parameters · about %s per 1000 steps at batch %d", millions(m.timing.Parameters), long(1000*m.timing.PerStep), m.batch)
	if m.batch != batch || m.data != l.v.scannedDir() {
		s += " (measured on other settings: measure again)"
	}
	return s
}

// enable offers the timings, or not while a run takes the machine (a
// timing then would wait for the run, and measure it too).
func (l *presetList) enable(on bool) {
	for _, r := range l.rows {
		widgets.Enable(r.measure, on)
	}
}

// measureSelected measures the chosen preset unless that is done for the
// current data and batch: each takes a few seconds (minutes for base).
func (l *presetList) measureSelected() {
	m, ok := l.measured[l.selected]
	batch, err := positive(l.v.batchText(), "batch")
	if l.v.kind.Selected != kindPreset || err != nil || (ok && m.batch == batch && m.data == l.v.scannedDir()) {
		return
	}
	l.measure(l.selected)
}

// measure times a preset on the chosen data, on the training worker.
func (l *presetList) measure(name string) {
	if l.pending[name] != nil || l.v.scanned == nil {
		if l.v.scanned == nil {
			l.v.status.Info("Choose a data folder first: the timing runs a few steps on it.")
		}
		return
	}
	opt, err := l.v.adv.options()
	if err != nil {
		l.v.status.Fail(err)
		return
	}
	batch, err := positive(l.v.batchText(), "batch")
	if err != nil {
		l.v.status.Fail(err)
		return
	}
	opt.Kind, opt.Preset, opt.Data, opt.Batch, opt.Steps = engtrain.KindVQGAN, name, l.v.scanned.Dir, batch, 1
	j := l.v.env.Session.Measure(name, opt, measureSteps)
	l.pending[name] = j
	l.show()
	dir := opt.Data
	view.WhenDone(j, func(res jobs.Result, err error) {
		delete(l.pending, name)
		switch {
		case view.Cancelled(err):
		case err != nil:
			l.v.status.Fail(fmt.Errorf("measuring %s: %w", name, err))
		default:
			l.measured[name] = measured{data: dir, batch: batch, timing: res.(engtrain.Timing)}
		}
		l.show()
	})
}

// cancelMeasures stops the timings still to come, so a run starts at once.
func (l *presetList) cancelMeasures() {
	for _, j := range l.pending {
		j.Cancel()
	}
}

// millions writes a parameter count.
func millions(n int64) string {
	if n < 1e6 {
		return fmt.Sprintf("%.0f k", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f M", float64(n)/1e6)
}

// long writes a long duration in seconds, minutes, hours or days.
func long(d time.Duration) string {
	switch {
	case d < 90*time.Second:
		return fmt.Sprintf("%.0f s", d.Seconds())
	case d < 90*time.Minute:
		return fmt.Sprintf("%.0f min", d.Minutes())
	case d < 48*time.Hour:
		m := int(d.Round(time.Minute).Minutes())
		if m%60 == 0 {
			return fmt.Sprintf("%d h", m/60)
		}
		return fmt.Sprintf("%d h %d min", m/60, m%60)
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}
