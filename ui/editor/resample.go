package editor

import (
	"fmt"
	"image"

	"tessera/engine/jobs"
	"tessera/engine/pipeline"
	"tessera/engine/session"
	"tessera/engine/tokens"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// resampleBlocked says why Resample is unavailable, or "".
func (v *editorView) resampleBlocked() string {
	switch {
	case v.m == nil:
		return ""
	case v.m.Transformer == nil:
		return "Resampling needs a transformer: this model is a VQGAN first stage only. Open a transformer model to resample regions."
	case !v.loaded():
		return ""
	case v.sel.Empty() && v.masked() == 0:
		return "Select a region with the Region tool, or paint cells with the Mask tool, to resample them."
	}
	return ""
}

// resample redraws the selected region with the transformer on the worker,
// showing the image as it is drawn; the result is one undo step. The
// filters and condition come from the Sample view, the seed from the
// Editor's own field.
func (v *editorView) resample() {
	if !v.loaded() || v.sel.Empty() {
		return
	}
	r := v.sel
	mask, err := tokens.MaskFromRect(v.grid.W, v.grid.H, r.Min.X, r.Min.Y, r.Dx(), r.Dy())
	if err != nil {
		v.status.Fail(err)
		return
	}
	v.resampleCells(mask, r)
}

// resampleCells redraws the cells of mask, which lie within r.
func (v *editorView) resampleCells(mask tokens.Mask, r image.Rectangle) {
	if v.resampleBlocked() != "" || v.env.SampleSettings == nil {
		return
	}
	req, err := v.env.SampleSettings()
	if err != nil {
		v.status.Fail(fmt.Errorf("resample: %w", err))
		return
	}
	n := mask.Count()
	what := fmt.Sprintf("%d×%d tokens", r.Dx(), r.Dy())
	if n != r.Dx()*r.Dy() {
		what = fmt.Sprintf("%d masked tokens", n)
	}
	if req.Options.Seed, err = v.seed.Next(); err != nil {
		v.status.Fail(fmt.Errorf("resample: %w", err))
		return
	}
	v.seed.Used(req.Options.Seed)
	req.Options.Count = 1
	req.PreviewEvery = max(n/r.Dy(), 1) // a new image about each row of the region
	req.PreviewShare = view.PreviewShare
	v.cancelJobs()
	before, shown := v.grid.Clone(), v.shown
	j := v.env.Session.Resample(v.grid, mask, req)
	v.resampler = j
	v.refreshButtons()
	v.status.Starting(v.env.Session.Worker, j, fmt.Sprintf("Resampling %s with seed %d…", what, req.Options.Seed))
	view.Follow(v.env.Session.Worker, j, func(p jobs.Progress) {
		v.status.Progress(p)
		if s, ok := p.Preview.(session.Sampled); ok {
			if img, ok := s.Image.(*image.NRGBA); ok {
				v.view.SetImage(img, v.grid.W, v.grid.H)
			}
		}
	}, func(res jobs.Result, err error) {
		if j != v.resampler {
			return
		}
		v.resampler = nil
		v.status.Idle()
		out, _ := res.([]pipeline.Result)
		switch {
		case view.Cancelled(err):
			v.view.SetImage(shown, v.grid.W, v.grid.H)
			v.status.Info("Resampling cancelled: the grid is unchanged.")
		case err != nil:
			v.view.SetImage(shown, v.grid.W, v.grid.H)
			v.status.Fail(err)
		case len(out) == 1 && out[0].Grid.Equal(before):
			// Draws depend on the seed and the context before each token,
			// so a region sampled with this seed comes out the same.
			v.view.SetImage(shown, v.grid.W, v.grid.H)
			v.status.Info(fmt.Sprintf("Seed %d drew the same tokens again: change the seed (the dice), or tick %q, for others.", req.Options.Seed, widgets.NewSeedText))
		case len(out) == 1:
			v.hist.Push(before)
			v.grid, v.params = out[0].Grid, out[0].Params
			v.gen++
			v.show(out[0].Image, v.gen)
			kept := widgets.Keep(v.env, v.status, out[0])
			v.status.Info(fmt.Sprintf("Resampled %s (seed %d).%s", what, req.Options.Seed, kept))
		}
		v.decode() // edits made before the resample, whose decode it stopped
		v.refreshButtons()
	})
}

func (v *editorView) cancelResample() {
	if v.resampler != nil {
		v.resampler.Cancel()
	}
}
