package editor

import (
	"fmt"
	"image"
	"time"

	"tessera/engine/jobs"
	"tessera/engine/pipeline"
	"tessera/engine/tokens"
	"tessera/ui/view"
)

// decodeDelay lets a stroke finish before the grid is decoded again.
const decodeDelay = 300 * time.Millisecond

// changed notes an edit of the grid: the image is decoded again once the
// edits pause.
func (v *editorView) changed() {
	v.gen++
	if v.debounce != nil {
		v.debounce.Stop()
	}
	v.debounce = time.AfterFunc(decodeDelay, func() { view.Do(v.decode) })
	v.refreshButtons()
	v.hovered(v.view.Hover()) // the code under the pointer may have changed
}

// decode decodes the grid as it is now on the worker, replacing a decode
// still waiting; a result for a grid edited since is dropped.
func (v *editorView) decode() {
	if !v.loaded() || v.imgGen == v.gen {
		return
	}
	if v.decoding != nil {
		v.decoding.Cancel()
	}
	gen := v.gen
	j := v.env.Session.Decode(v.grid, pipeline.DecodeOptions{})
	v.decoding = j
	view.WhenDone(j, func(res jobs.Result, err error) {
		if j != v.decoding {
			return
		}
		v.decoding = nil
		switch {
		case gen != v.gen || view.Cancelled(err):
		case err != nil:
			v.status.Fail(err)
		default:
			v.show(res.(*image.NRGBA), gen)
		}
	})
}

// show displays img, the decoded grid of edit generation gen.
func (v *editorView) show(img image.Image, gen int) {
	v.img, v.imgGen = img, gen
	v.view.SetImage(img, v.grid.W, v.grid.H)
}

func (v *editorView) Undo() {
	if !v.editable() {
		return
	}
	if g, ok := v.hist.Undo(v.grid); ok {
		v.grid = g
		v.changed()
	}
}

func (v *editorView) Redo() {
	if !v.editable() {
		return
	}
	if g, ok := v.hist.Redo(v.grid); ok {
		v.grid = g
		v.changed()
	}
}

// currentGrid is Env.CurrentGrid.
func (v *editorView) currentGrid() (tokens.Grid, bool) {
	if !v.loaded() {
		return tokens.Grid{}, false
	}
	return v.grid.Clone(), true
}

// receive is Env.SendToEditor: a grid from another view becomes the
// document.
func (v *editorView) receive(g tokens.Grid, img image.Image, params map[string]any) {
	if v.card == nil {
		return
	}
	v.cancelJobs()
	name := "sample"
	if op, ok := params["operation"].(string); ok {
		name = op
	}
	if seed, ok := params["seed"]; ok {
		name += fmt.Sprintf(" (seed %v)", seed)
	}
	v.setDocument(g.Clone(), img, params)
	v.notes.SetText(describeDocument(name, g, v.card.Factor, nil))
	v.status.Info("Received " + name + ".")
	if v.env.Show != nil {
		v.env.Show(v.Title())
	}
}

// cancelJobs stops the document's jobs when it is replaced.
func (v *editorView) cancelJobs() {
	if v.debounce != nil {
		v.debounce.Stop()
	}
	for _, j := range []*jobs.Job{v.loading, v.decoding, v.resampler} {
		if j != nil {
			j.Cancel()
		}
	}
	v.loading, v.decoding, v.resampler = nil, nil, nil
	v.status.Idle()
}
