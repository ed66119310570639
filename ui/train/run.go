package train

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/session"
	engtrain "tessera/engine/train"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// startRun starts the run the setup describes, in a folder of its own.
func (v *trainView) startRun() {
	opt, err := v.options()
	if err == nil && v.heldRun() != "" {
		err = fmt.Errorf("%s already holds a run: Resume continues it; a new run needs another folder", opt.Out)
	}
	if err != nil {
		v.status.Fail(err)
		return
	}
	v.presets.cancelMeasures()
	v.probeGen++ // a folder read still under way must not replace the new run's curves
	v.curves.reset()
	v.pictures.set(nil)
	v.pictures.setKind(opt.Kind)
	v.codes.SetEmptyText(codesEmpty(opt.Kind))
	v.showCurves()
	v.progress.SetValue(0)
	v.begin(v.env.Session.Train(opt), fmt.Sprintf("Starting: %d steps of %d images into %s…", opt.Steps, opt.Batch, opt.Out))
}

// resumeRun continues the run in the output folder exactly, up to Steps.
func (v *trainView) resumeRun() {
	out := strings.TrimSpace(v.out.Text)
	steps, err := positive(v.steps.Text, "number of steps")
	if err != nil {
		v.status.Fail(err)
		return
	}
	adv, err := v.adv.options()
	if err != nil {
		v.status.Fail(err)
		return
	}
	v.presets.cancelMeasures()
	opt := engtrain.Options{Resume: out, Steps: steps, SaveEvery: adv.SaveEvery, ImageEvery: adv.ImageEvery}
	v.begin(v.env.Session.Train(opt), fmt.Sprintf("Resuming %s up to step %d…", filepath.Base(out), steps))
}

// stopRun asks the run to stop; it saves a checkpoint first.
func (v *trainView) stopRun() {
	if !v.running() {
		return
	}
	v.run.Job.Cancel()
	v.stop.SetText("Stopping…")
	v.stop.Disable()
	v.status.Info("Stopping: the run saves a checkpoint first…")
}

// begin follows a submitted run.
func (v *trainView) begin(r *session.Run, msg string) {
	v.run, v.begun = r, msg
	v.status.Info(msg)
	v.progress.Show()
	v.head.Refresh()
	v.right.Refresh()
	v.watch(r)
	v.refresh()
}

// watch draws a run's new reports a few times a second at most, from a
// goroutine of its own, until the run ends.
func (v *trainView) watch(r *session.Run) {
	go func() {
		tick := time.NewTicker(watchEvery)
		defer tick.Stop()
		seen := 0
		for {
			done := false
			select {
			case <-tick.C:
			case <-r.Job.Done():
				done = true
			}
			if reps := r.Reports(seen); len(reps) > 0 {
				seen += len(reps)
				view.Do(func() {
					if v.run == r {
						v.apply(reps)
					}
				})
			}
			if done {
				view.Do(func() {
					if v.run == r {
						v.finished(r.Job)
					}
				})
				return
			}
		}
	}()
}

// apply draws a batch of a run's reports.
func (v *trainView) apply(reps []engtrain.Progress) {
	for _, p := range reps {
		if p.Logs != nil {
			if v.status.Text() == v.begun {
				v.status.Info("Training: Stop saves a checkpoint, and Resume continues the run from it exactly.")
			}
			v.curves.add(p.Step, p.Logs)
		}
		if p.Note != "" {
			v.status.Info(p.Note)
		}
		if p.Picture != "" {
			v.pictures.add(p.Picture)
		}
	}
	last := reps[len(reps)-1]
	v.progress.SetValue(float64(last.Step) / float64(max(last.Steps, 1)))
	v.progressText.SetText(progressText(last))
	v.showCurves()
	v.refresh()
}

// progressText is a report in a line: step, speed, times.
func progressText(p engtrain.Progress) string {
	s := fmt.Sprintf("Step %d of %d", p.Step, p.Steps)
	for _, k := range []string{"images_per_s", "tokens_per_s"} {
		if r, ok := p.Logs[k]; ok {
			s += fmt.Sprintf(" · %.3g %s/s", r, strings.TrimSuffix(k, "_per_s"))
		}
	}
	if p.Elapsed > 0 {
		s += " · " + widgets.Clock(p.Elapsed) + " elapsed"
	}
	if p.Remaining > 0 {
		s += " · " + widgets.Clock(p.Remaining) + " left"
	}
	return s
}

func (v *trainView) showCurves() {
	v.losses.SetSeries(v.curves.series(lossCurves))
	v.codes.SetSeries(v.curves.series(codeCurves))
}

// codesEmpty is what the codebook plot says before its first point.
func codesEmpty(kind string) string {
	if kind == engtrain.KindTransformer {
		return "A transformer's first stage is frozen: its codebook does not change."
	}
	return "Codebook use and perplexity appear here."
}

// finished says how a run ended.
func (v *trainView) finished(j *jobs.Job) {
	v.stop.SetText("Stop")
	res, _ := j.Result().(*engtrain.Result)
	err := j.Err()
	switch {
	case errors.Is(err, engtrain.ErrInterrupted) && res != nil:
		v.status.Info(fmt.Sprintf("Stopped at step %d and saved %s: Resume continues the run exactly.", res.Steps, res.Model))
	case err != nil:
		v.status.Fail(err)
	default:
		v.status.Info(fmt.Sprintf("Trained %d steps: %s. Open it in the studio or export it for taming.", res.Steps, res.Model))
	}
	v.refresh()
}

// probe shows the run the output folder holds, if any, while no run is
// going: its logged curves and its pictures, read off the UI goroutine.
func (v *trainView) probe() {
	if v.running() {
		return
	}
	v.probeGen++
	gen, out := v.probeGen, strings.TrimSpace(v.out.Text)
	go func() {
		var c *curves
		var pics []string
		if _, err := os.Stat(filepath.Join(out, engtrain.ModelFile)); out != "" && err == nil {
			if read, err := readLog(filepath.Join(out, "log.jsonl")); err == nil {
				c = read
			}
			pics = listPictures(out)
		}
		view.Do(func() {
			if gen != v.probeGen || v.running() {
				return
			}
			if c == nil {
				c = newCurves()
			}
			*v.curves = *c
			v.pictures.set(pics)
			v.showCurves()
			v.refresh()
		})
	}()
}

// modelPath is the trained model in the output folder.
func (v *trainView) modelPath() string {
	return filepath.Join(strings.TrimSpace(v.out.Text), engtrain.ModelFile)
}

// openResult loads the trained model as File > Open Model does.
func (v *trainView) openResult() {
	if v.env.LoadModel != nil {
		v.env.LoadModel(v.modelPath())
		v.status.Info("Opening " + v.modelPath() + " in the studio…")
	}
}

// exportResult writes the trained model as a taming log directory into a
// new or empty folder, on the studio's worker.
func (v *trainView) exportResult() {
	src := v.modelPath()
	lpips := strings.TrimSpace(v.adv.lpips.Text)
	v.env.Ctrl.PickFolder("An empty folder for the taming log directory", func(dir string) {
		if dir == "" {
			return
		}
		v.status.Info("Exporting to " + dir + "…")
		widgets.WriteOnWorker(v.env.Session, v.status, "export "+filepath.Base(dir), func() error {
			m, err := model.Open(src, "")
			if err != nil {
				return err
			}
			return model.Export(m, dir, model.ExportOptions{LPIPS: lpips})
		}, "Exported "+dir+": configs/model.yaml and checkpoints/last.ckpt, for taming's main.py.")
	})
}
