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

// decodeDelay lets a stroke finish before the whole grid is decoded again:
// each edit cancels a whole decode still running.
const decodeDelay = 300 * time.Millisecond

// changed notes an edit of the cells in r: they are marked at once, decoded
// as a preview as soon as the edits pause, and the whole image after.
func (v *editorView) changed(r image.Rectangle) {
	v.gen++
	if v.editErr {
		v.status.Info("") // the edit that failed is gone
		v.editErr = false
	}
	v.markPending(r, true)
	v.dirty = v.dirty.Union(r)
	if v.decoding != nil {
		v.decoding.Cancel() // stale already
		v.decoding = nil
		v.status.Idle()
	}
	resetTimer(&v.previewTimer, previewDelay, v.preview)
	resetTimer(&v.fullTimer, v.fullDelay, v.decode)
	v.refreshButtons()
	v.hovered(v.view.Hover()) // the code under the pointer may have changed
}

// resetTimer (re)starts *t to run f on the UI goroutine after d.
func resetTimer(t **time.Timer, d time.Duration, f func()) {
	if *t != nil {
		(*t).Stop()
	}
	*t = time.AfterFunc(d, func() { view.Do(f) })
}

// editFailed shows an error an edit caused; the next edit (an undo too)
// clears it.
func (v *editorView) editFailed(err error) {
	v.status.Fail(err)
	v.editErr = true
}

// decode decodes the whole grid as it is now on the worker, with progress,
// replacing a decode still running; a result for a grid edited since is
// dropped.
func (v *editorView) decode() {
	if !v.loaded() || v.imgGen == v.gen || v.decoding != nil && v.decodingGen == v.gen {
		return
	}
	if v.decoding != nil {
		v.decoding.Cancel()
	}
	gen, g, start := v.gen, v.grid.Clone(), time.Now()
	w := v.env.Session.Worker
	j := v.env.Session.Decode(g, pipeline.DecodeOptions{})
	v.decoding, v.decodingGen = j, gen
	v.status.Starting(w, j, "Decoding the whole image…")
	view.Follow(w, j, v.status.Progress, func(res jobs.Result, err error) {
		if j != v.decoding {
			return
		}
		v.decoding = nil
		v.status.Idle()
		switch {
		case gen != v.gen || view.Cancelled(err):
		case err != nil:
			v.editFailed(err)
		default:
			v.show(res.(*image.NRGBA), gen)
			if !v.editErr {
				v.status.Info(describeDecode(g, time.Since(start)))
			}
		}
	})
}

// show displays img, the decoded grid of edit generation gen.
func (v *editorView) show(img image.Image, gen int) {
	v.img, v.imgGen, v.shown = img, gen, img
	v.view.SetImage(img, v.grid.W, v.grid.H)
	if gen == v.gen {
		v.pending = tokens.Mask{}
		v.view.SetPending(v.pending)
	}
}

func (v *editorView) Undo() {
	if !v.editable() {
		return
	}
	if g, ok := v.hist.Undo(v.grid); ok {
		r := diffRect(g, v.grid)
		v.grid = g
		v.changed(r)
	}
}

func (v *editorView) Redo() {
	if !v.editable() {
		return
	}
	if g, ok := v.hist.Redo(v.grid); ok {
		r := diffRect(g, v.grid)
		v.grid = g
		v.changed(r)
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
	for _, t := range []*time.Timer{v.previewTimer, v.fullTimer} {
		if t != nil {
			t.Stop()
		}
	}
	for _, j := range []*jobs.Job{v.loading, v.previewing, v.decoding, v.resampler} {
		if j != nil {
			j.Cancel()
		}
	}
	v.loading, v.previewing, v.decoding, v.resampler = nil, nil, nil, nil
	v.status.Idle()
}
