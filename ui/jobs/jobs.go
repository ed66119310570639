// Package jobs is the studio's Jobs view: every job of the session's
// workers, newest first, with progress, times, Cancel and errors; and the
// watching of a worker's events that the status bar shares.
package jobs

import (
	"context"
	"errors"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	engjobs "tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// jobsView is the Jobs tab: every job of the session's two workers (the
// studio's and the training one), newest first, with its progress, times, a Cancel button while it can still be
// stopped and the error of a failed one.
type jobsView struct {
	env   *view.Env
	rows  map[*engjobs.Job]*jobRow
	list  *fyne.Container
	none  *widget.Label
	clear *widget.Button
	body  fyne.CanvasObject
}

const noJobsText = "No jobs yet: opening a model, decoding, sampling and training run here."

// New makes the Jobs view.
func New(env *view.Env) view.View {
	v := &jobsView{env: env, rows: map[*engjobs.Job]*jobRow{}, list: container.NewVBox(), none: widget.NewLabel(noJobsText)}
	v.clear = widget.NewButtonWithIcon("Clear finished", theme.DeleteIcon(), v.clearFinished)
	v.body = container.NewBorder(container.NewHBox(v.clear), nil, nil, nil,
		container.NewStack(container.NewCenter(v.none), container.NewVScroll(v.list)))
	v.sync()
	for _, w := range workers(env) {
		Watch(w, func(ev engjobs.Event) { v.update(ev) })
	}
	return v
}

func (v *jobsView) Title() string                          { return "Jobs" }
func (v *jobsView) Icon() fyne.Resource                    { return theme.ListIcon() }
func (v *jobsView) Content() fyne.CanvasObject             { return v.body }
func (v *jobsView) ModelChanged(*model.Model, *model.Card) {}

// ModelFree: the view is useful before a model is loaded (it shows the
// loading).
func (v *jobsView) ModelFree() {}

// update applies a worker event; the zero event is the once-a-second tick
// that moves the clocks of running jobs.
func (v *jobsView) update(ev engjobs.Event) {
	if ev.Job == nil {
		for j, r := range v.rows {
			if j.State() == engjobs.Running {
				r.update()
			}
		}
		return
	}
	if r, ok := v.rows[ev.Job]; ok {
		r.update()
		return
	}
	v.sync()
}

// workers are the session's workers: the studio's, then training's.
func workers(env *view.Env) []*engjobs.Worker {
	return []*engjobs.Worker{env.Session.Worker, env.Session.Training}
}

// sync lists the workers' jobs, keeping the rows it already has.
func (v *jobsView) sync() {
	var all []*engjobs.Job
	for _, w := range workers(v.env) {
		all = append(all, w.Jobs()...)
	}
	// Oldest first, as each worker lists its own.
	slices.SortStableFunc(all, func(a, b *engjobs.Job) int { return a.Submitted().Compare(b.Submitted()) })
	keep := map[*engjobs.Job]*jobRow{}
	objs := make([]fyne.CanvasObject, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		j := all[i]
		r := v.rows[j]
		if r == nil {
			r = newJobRow(j)
		}
		r.update()
		keep[j] = r
		objs = append(objs, r.box)
	}
	v.rows = keep
	v.list.Objects = objs
	v.list.Refresh()
	v.none.Hidden = len(all) > 0
	v.none.Refresh()
}

func (v *jobsView) clearFinished() {
	for _, w := range workers(v.env) {
		w.ClearFinished()
	}
	v.sync()
}

// nameWidth fits a job's name in full: "Hi-Res 4096×2048 (seed
// 4294967295)", "Sample 8 × 64×64 (painted labels)". Longer ones (a model's
// path) end in an ellipsis.
const nameWidth = 340

// jobRow shows one job.
type jobRow struct {
	job                *engjobs.Job
	name, state, times *widget.Label
	bar                *widget.ProgressBar
	cancel             *widget.Button
	problem            *widget.Label
	box                fyne.CanvasObject
}

func newJobRow(j *engjobs.Job) *jobRow {
	r := &jobRow{
		job:     j,
		name:    widget.NewLabelWithStyle(j.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		state:   widget.NewLabel(""),
		times:   widget.NewLabel(""),
		bar:     widget.NewProgressBar(),
		cancel:  widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), nil),
		problem: widget.NewLabel(""),
	}
	r.cancel.OnTapped = func() {
		j.Cancel()
		// A cancelled job may still take a while to return (a sampler
		// decodes what it has): say the request was heard.
		r.cancel.SetText("Cancelling…")
		r.cancel.Disable()
	}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.state.Truncation = fyne.TextTruncateEllipsis
	r.problem.Importance = widget.DangerImportance
	r.problem.Wrapping = fyne.TextWrapWord
	// Two lines, so that Cancel stays in sight in a narrow window: the name
	// (the longest the studio gives shown whole) with Cancel, then the state
	// (cut to fit) beside the bar, and the times.
	head := container.NewBorder(nil, nil, nil, r.cancel, container.NewStack(widgets.AtLeast(fyne.NewSize(nameWidth, 0)), r.name))
	progress := container.NewBorder(nil, nil, nil, r.times, container.NewGridWithColumns(2, r.state, r.bar))
	r.box = container.NewVBox(head, progress, r.problem, widget.NewSeparator())
	return r
}

// update shows the job's current state.
func (r *jobRow) update() {
	j := r.job
	s, p := j.State(), j.Progress()
	state := s.String()
	if s == engjobs.Running && p.Message != "" {
		state += " · " + p.Message
	}
	if s == engjobs.Cancelled && j.Result() != nil {
		state += " · result kept"
	}
	r.state.SetText(state)
	switch {
	case s == engjobs.Done:
		r.bar.SetValue(1)
	case s == engjobs.Running || p.Total > 0:
		r.bar.SetValue(p.Fraction())
	}
	times := ""
	switch el := j.Elapsed(); {
	case s == engjobs.Running:
		times = widgets.Clock(el) + " elapsed"
	case el > 0:
		times = "took " + widgets.Took(el)
	}
	if left, ok := j.ETA(); ok && left > 0 { // between sparse reports the estimate runs down to 0
		times += " · " + widgets.Clock(left) + " left"
	}
	r.times.SetText(times)
	if s.Finished() {
		r.cancel.Hide()
	}
	err := j.Err()
	if s == engjobs.Failed && err != nil && !errors.Is(err, context.Canceled) {
		r.problem.SetText(err.Error())
		r.problem.Show()
	} else {
		r.problem.Hide()
	}
}

// Watch calls update on the UI goroutine with every event of w, and with
// the zero event once a second (clocks move without events), until w
// closes.
func Watch(w *engjobs.Worker, update func(engjobs.Event)) {
	events, _ := w.Subscribe()
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					return
				}
				view.Do(func() { update(ev) })
			case <-tick.C:
				view.Do(func() { update(engjobs.Event{}) })
			}
		}
	}()
}

// Running returns the job running on w and how many wait behind it.
func Running(w *engjobs.Worker) (running *engjobs.Job, queued int) {
	for _, j := range w.Jobs() {
		switch j.State() {
		case engjobs.Running:
			running = j
		case engjobs.Queued:
			queued++
		}
	}
	return running, queued
}
