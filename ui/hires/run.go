package hires

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/pipeline"
	"tessera/engine/sample"
	"tessera/engine/session"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// watchCost shows the estimate again whenever a job finishes, since any
// sampling job (here or in the Sample view) measures the token cost.
func (v *hiResView) watchCost() {
	events, _ := v.env.Session.Worker.Subscribe()
	go func() {
		for ev := range events {
			if ev.Kind == jobs.Finished {
				view.Do(v.updateEstimate)
			}
		}
	}()
}

// tokens is how many tokens sampling w×h draws.
func (v *hiResView) tokens(w, h int) int {
	if v.tile.Checked {
		return 2 * w * h // a first pass, then the wrapped one
	}
	return w * h
}

// updateEstimate predicts the run from the cost model the session measured
// with this model: each transformer call of the exact window schedule,
// then the decode.
func (v *hiResView) updateEstimate() {
	if v.m == nil {
		return
	}
	if v.m.Transformer == nil {
		v.estimate.SetText("This model is a VQGAN first stage only: it cannot sample. Open a transformer model.")
		v.measure.Hide()
		return
	}
	w, h, err := v.size()
	if err != nil {
		v.estimate.SetText("")
		return
	}
	n := v.tokens(w, h)
	cost, ok := v.env.Session.Cost()
	if !ok {
		win := v.card.Window
		v.estimate.SetText(fmt.Sprintf("%d tokens to sample. Sampling speed is not measured yet for this model: Measure speed samples the native %d×%d grid once (Sample does it first).", n, win, win))
		v.measure.Show()
		return
	}
	v.measure.Hide()
	req := pipeline.SampleRequest{W: w, H: h, Options: sample.Options{Stride: strideOf(v.stride.Selected), Tile: v.tile.Checked},
		PreviewEvery: w, PreviewShare: view.PreviewShare} // as run sets them
	calls, _, _ := pipeline.Plan(v.m, req)
	fed := 0
	for _, c := range calls {
		fed += c.Fed
	}
	v.estimate.SetText(fmt.Sprintf("About %s for %d tokens: the sliding window feeds the transformer %d inputs, timed by the runs so far with this model, then decodes.", widgets.Span(cost.Estimate(req, calls, w, h)), n, fed))
}

// calibrate measures the token cost by sampling the native grid once, then
// calls then (if set).
func (v *hiResView) calibrate(then func()) {
	req := pipeline.SampleRequest{Cond: calibrationCond(v.m, v.card), Options: sample.Options{Count: 1}}
	win := v.card.Window
	j := v.env.Session.SampleAs(fmt.Sprintf("Measure speed (sample %d×%d)", win, win), req)
	v.job = j
	v.refreshButtons()
	v.status.Starting(v.env.Session.Worker, j, fmt.Sprintf("Measuring the sampling speed: sampling the native %d×%d grid once…", win, win))
	view.Follow(v.env.Session.Worker, j, v.status.Progress, func(_ jobs.Result, err error) {
		if j != v.job {
			return
		}
		v.job = nil
		v.status.Idle()
		v.refreshButtons()
		if err != nil {
			if !view.Cancelled(err) {
				v.status.Fail(err)
			}
			return
		}
		v.updateEstimate()
		v.status.Info("Measured the sampling speed. " + v.estimate.Text)
		if then != nil {
			then()
		}
	})
}

// calibrationCond is a neutral condition of the model's native size.
func calibrationCond(m *model.Model, card *model.Card) pipeline.Condition {
	switch widgets.CondKindOf(m) {
	case widgets.CondClass:
		c := 0
		return pipeline.Condition{Class: &c}
	case widgets.CondLabels:
		n := card.Window * m.CondStage.Config.Factor()
		return pipeline.Condition{Labels: &pipeline.LabelMap{W: n, H: n, Labels: make([]int, n*n)}}
	case widgets.CondImage:
		n := card.Window * m.CondStage.Config.Factor()
		img := image.NewNRGBA(image.Rect(0, 0, n, n))
		draw.Draw(img, img.Rect, image.NewUniform(color.Gray{Y: 128}), image.Point{}, draw.Src)
		return pipeline.Condition{Image: img}
	}
	return pipeline.Condition{}
}

// begin samples, measuring the speed first when it is not known, so the
// estimate is shown before the long run.
func (v *hiResView) begin() {
	if _, ok := v.env.Session.Cost(); !ok {
		v.calibrate(v.run)
		return
	}
	v.run()
}

// request is the Sample view's settings with this view's size, condition
// and window.
func (v *hiResView) request() (pipeline.SampleRequest, error) {
	w, h, err := v.size()
	if err != nil {
		return pipeline.SampleRequest{}, err
	}
	cond, err := v.cond.Condition()
	if err != nil {
		return pipeline.SampleRequest{}, err
	}
	// The Sample view's condition may be incomplete (no image chosen
	// there): only its options matter here.
	var req pipeline.SampleRequest
	if v.env.SampleSettings != nil {
		if req, err = v.env.SampleSettings(); err != nil && !errors.As(err, new(view.CondError)) {
			return pipeline.SampleRequest{}, err
		}
	}
	tile := v.tile.Checked
	req.Cond, req.W, req.H = cond, w, h
	req.Options.Count = 1
	req.Options.Stride = strideOf(v.stride.Selected)
	req.Options.Tile, req.Decode.Tile = tile, tile
	req.PreviewEvery = w // a preview each row, unless decoding costs more than a fifth of the run
	req.PreviewShare = view.PreviewShare
	return req, nil
}

// strideOf reads a stride choice ("1 (as published)", "2", ...).
func strideOf(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return max(n, 1)
}

func (v *hiResView) run() {
	req, err := v.request()
	if err != nil {
		v.status.Fail(err)
		return
	}
	f := v.m.FirstStage.Config.Factor()
	j := v.env.Session.SampleAs(fmt.Sprintf("Hi-Res %d×%d (seed %d)", req.W*f, req.H*f, req.Options.Seed), req)
	v.job, v.result = j, nil
	v.refreshButtons()
	v.status.Starting(v.env.Session.Worker, j, fmt.Sprintf("Sampling %d×%d tokens row by row with seed %d…", req.W, req.H, req.Options.Seed))
	view.Follow(v.env.Session.Worker, j, func(p jobs.Progress) {
		if j != v.job {
			return
		}
		v.status.Progress(p)
		if s, ok := p.Preview.(session.Sampled); ok {
			if img, ok := s.Image.(*image.NRGBA); ok {
				v.showImage(img)
			}
		}
	}, func(res jobs.Result, err error) {
		if j != v.job {
			return
		}
		v.job = nil
		v.status.Idle()
		out, _ := res.([]pipeline.Result)
		kept := ""
		if len(out) > 0 {
			v.result = &out[0]
			v.showImage(out[0].Image)
			kept = widgets.Keep(v.env, v.status, out[0])
		}
		switch {
		case view.Cancelled(err) && v.result != nil:
			v.status.Info(fmt.Sprintf("Cancelled after %d of %d tokens; the partial grid is kept (tokens not sampled are code 0).%s", v.result.Drawn, v.result.Planned, kept))
		case view.Cancelled(err):
			v.status.Info("Cancelled.")
		case err != nil:
			v.status.Fail(err)
		default:
			v.status.Info(fmt.Sprintf("Sampled %d×%d tokens with seed %d in %s.%s", req.W, req.H, req.Options.Seed, widgets.Took(j.Elapsed()), kept))
			v.updateEstimate() // with this run's timings too
		}
		v.refreshButtons()
	})
}

func (v *hiResView) exportResult() {
	if v.result != nil {
		widgets.ExportResult(v.env, v.status, *v.result)
	}
}

func (v *hiResView) sendToEditor() {
	if r := v.result; r != nil && v.env.SendToEditor != nil {
		v.env.SendToEditor(r.Grid, r.Image, r.Params)
	}
}
