package sample

import (
	"fmt"
	"image"
	"image/draw"
	"time"

	"tessera/engine/imgio"
	"tessera/engine/outputs"
	"tessera/engine/pipeline"
	"tessera/ui/view"
)

// restoreLimit is how many of today's samples a new Sample view brings
// back from the output history.
const restoreLimit = 32

// restore brings back, once, today's samples from the output history, so
// a restarted studio shows what it made earlier in the day; they go after
// any result sampled meanwhile. The files are read off the UI goroutine.
func (v *sampleView) restore() {
	if v.restored || v.env.Outputs == nil {
		return
	}
	v.restored = true
	folder, start := *v.env.Outputs, time.Now()
	go func() {
		res, err := todaysSamples(folder, start)
		view.Do(func() {
			if len(res) > 0 {
				v.gallery.Append(res)
			}
			switch {
			case v.job != nil:
			case err != nil:
				v.status.Fail(err)
			case len(res) > 0:
				v.status.Info(fmt.Sprintf("Brought back %d of today's result(s) from %s.", len(res), folder.Day(start)))
			}
		})
	}()
}

// todaysSamples reads the samples of start's day made by start, newest
// first, at most restoreLimit; files that do not read are skipped.
func todaysSamples(f outputs.Folder, start time.Time) ([]pipeline.Result, error) {
	es, err := outputs.ListDay(f.Root, start.Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	var out []pipeline.Result
	for _, e := range es {
		if len(out) == restoreLimit {
			break
		}
		// Only samples belong in this gallery; one written after start
		// is a result of this session, already shown.
		if op, _ := e.Params["operation"].(string); !e.Tessera() || op != "sample" || e.Made.After(start) {
			continue
		}
		img, err := imgio.Decode(e.Path)
		if err != nil {
			continue
		}
		out = append(out, pipeline.Result{Grid: e.Grid, Image: nrgba(img), Params: e.Params})
	}
	return out, nil
}

// nrgba is img as an *image.NRGBA, as the gallery's results are.
func nrgba(img image.Image) *image.NRGBA {
	if n, ok := img.(*image.NRGBA); ok && n.Rect.Min == (image.Point{}) {
		return n
	}
	b := img.Bounds()
	n := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(n, n.Bounds(), img, b.Min, draw.Src)
	return n
}
