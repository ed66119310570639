package editor

import (
	"fmt"
	"image"
	"maps"
	"path/filepath"
	"strings"

	"tessera/engine/imgio"
	"tessera/engine/jobs"
	"tessera/engine/outputs"
	"tessera/engine/pipeline"
	"tessera/engine/session"
	"tessera/engine/tokens"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// opened is what a file gave the Editor: a grid (from JSON or a Tessera
// PNG) or an image to encode.
type opened struct {
	grid   tokens.Grid
	params map[string]any
	img    image.Image
	notes  []string
}

// readDocument reads path off the UI goroutine. A PNG that carries a token
// grid gives back that exact grid rather than being encoded again.
func readDocument(path string, factor int) (opened, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".json" {
		g, params, err := tokens.Read(path)
		return opened{grid: g, params: params}, err
	}
	if ext == ".png" {
		meta, err := imgio.ReadPNGMeta(path)
		if err != nil {
			return opened{}, err
		}
		if _, ok := meta[imgio.MetaKey]; ok {
			g, params, err := imgio.GridFromPNG(path)
			return opened{grid: g, params: params}, err
		}
	}
	img, notes, err := imgio.Load(path, factor)
	return opened{img: img, notes: notes}, err
}

func (v *editorView) open() {
	v.env.Ctrl.PickFile("Open an image or a token grid", []string{"png", "jpg", "jpeg", "json"}, func(path string) {
		if path == "" || v.card == nil {
			return
		}
		name, factor, vocab := filepath.Base(path), v.card.Factor, v.card.CodebookSize
		v.status.Info("Opening " + name + "…")
		go func() {
			doc, err := readDocument(path, factor)
			if err == nil && doc.img == nil {
				err = doc.grid.Validate(vocab)
			}
			if err != nil {
				view.Do(func() { v.status.Fail(err) })
				return
			}
			view.Do(func() { v.load(name, doc) })
		}()
	})
}

// load encodes an opened image, or decodes an opened grid, on the worker
// and makes the result the document.
func (v *editorView) load(name string, doc opened) {
	v.cancelJobs()
	var j *jobs.Job
	if doc.img != nil {
		j = v.env.Session.Encode(doc.img)
	} else {
		j = v.env.Session.Decode(doc.grid, pipeline.DecodeOptions{})
	}
	v.loading = j
	v.status.Info("Reading " + name + " into tokens…")
	view.Follow(v.env.Session.Worker, j, v.status.Progress, func(res jobs.Result, err error) {
		if j != v.loading {
			return
		}
		v.loading = nil
		v.status.Idle()
		if err != nil {
			if !view.Cancelled(err) {
				v.status.Fail(err)
			}
			return
		}
		g, img, params, notes := doc.grid, image.Image(nil), doc.params, doc.notes
		if doc.img != nil {
			enc := res.(*session.Encoded)
			g, img, notes = enc.Grid, enc.Image, append(notes, enc.Notes...)
			params = map[string]any{"operation": "encode", "source": name}
		} else {
			img = res.(*image.NRGBA)
		}
		v.setDocument(g, img, params)
		v.notes.SetText(describeDocument(name, g, v.card.Factor, notes))
		v.status.Info(fmt.Sprintf("Opened %s.", name))
	})
}

// docParams are the parameters saved with the grid.
func (v *editorView) docParams() map[string]any {
	p := maps.Clone(v.params)
	if p == nil {
		p = map[string]any{}
	}
	if _, ok := p["model"]; !ok && v.m != nil {
		p["model"] = v.m.WeightsPath
	}
	return p
}

func (v *editorView) Save() {
	if !v.loaded() {
		return
	}
	g, params, gen := v.grid.Clone(), v.docParams(), v.gen
	img, fresh := v.img, v.imgGen == v.gen
	v.env.Ctrl.SaveFile("Save the token grid", []string{"json"}, outputs.FileName(img, params)+".json", func(path string) {
		if path == "" {
			return
		}
		path = widgets.WithExt(path, ".json")
		widgets.WriteOnWorker(v.env.Session, v.status, "save "+filepath.Base(path), func() error { return tokens.Write(path, g, params) }, "Saved the grid to "+path+".",
			func() {
				v.saved(gen)
				v.withImage(g, img, fresh, func(img image.Image) { widgets.KeepImage(v.env, v.status, img, g, params) })
			})
	})
}

// export writes a PNG that carries the grid. An image not yet decoded from
// the latest edits is decoded first, so image and grid agree.
func (v *editorView) Export() {
	if !v.loaded() {
		return
	}
	g, params, gen := v.grid.Clone(), v.docParams(), v.gen
	img, fresh := v.img, v.imgGen == v.gen
	v.env.Ctrl.SaveFile("Export a PNG with its token grid", []string{"png"}, outputs.FileName(img, params)+".png", func(path string) {
		if path == "" {
			return
		}
		path = widgets.WithExt(path, ".png")
		v.withImage(g, img, fresh, func(img image.Image) {
			widgets.WriteOnWorker(v.env.Session, v.status, "export "+filepath.Base(path), func() error { return imgio.SaveWithGrid(path, img, g, params) }, "Exported "+path+" with its token grid.",
				func() {
					v.saved(gen)
					widgets.KeepImage(v.env, v.status, img, g, params)
				})
		})
	})
}

// withImage calls f with the image of g: img when it was decoded from the
// latest edits (fresh), else a decode made now.
func (v *editorView) withImage(g tokens.Grid, img image.Image, fresh bool, f func(image.Image)) {
	if fresh {
		f(img)
		return
	}
	view.WhenDone(v.env.Session.Decode(g, pipeline.DecodeOptions{}), func(res jobs.Result, err error) {
		if err != nil {
			v.status.Fail(err)
			return
		}
		f(res.(*image.NRGBA))
	})
}
