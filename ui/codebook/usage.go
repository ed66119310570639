package codebook

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"os"
	"path/filepath"
	"slices"
	"strings"

	cbook "tessera/engine/codebook"
	"tessera/engine/imgio"
	"tessera/engine/jobs"
	"tessera/engine/pipeline"
	"tessera/engine/session"
	"tessera/engine/tokens"
)

// usageSource is what usage was counted over: one image with its token grid
// (so occurrences can be shown on it), or a folder of images.
type usageSource struct {
	name  string
	usage cbook.Usage
	grid  *tokens.Grid // nil for a folder
	image *image.NRGBA // the grid's image, nil for a folder
}

// imageExtensions are the image files usage can be counted over.
var imageExtensions = []string{"png", "jpg", "jpeg"}

// The functions below block on jobs: call them off the UI goroutine.

// usageOfImage loads an image, tokenises it with an encode job and counts
// its tokens.
func usageOfImage(s *session.Session, path string, factor, vocab int) (*usageSource, error) {
	img, _, err := imgio.Load(path, factor)
	if err != nil {
		return nil, err
	}
	res, err := wait(s.Encode(img))
	if err != nil {
		return nil, err
	}
	return countGrid(filepath.Base(path), res.(*session.Encoded).Grid, img, vocab)
}

// usageOfGrid decodes a grid with a decode job and counts its tokens.
func usageOfGrid(s *session.Session, name string, g tokens.Grid, vocab int) (*usageSource, error) {
	res, err := wait(s.Decode(g, pipeline.DecodeOptions{}))
	if err != nil {
		return nil, err
	}
	return countGrid(name, g, res.(*image.NRGBA), vocab)
}

func countGrid(name string, g tokens.Grid, img *image.NRGBA, vocab int) (*usageSource, error) {
	u, err := cbook.CountUsage(vocab, g.Codes)
	if err != nil {
		return nil, err
	}
	return &usageSource{name: name, usage: u, grid: &g, image: img}, nil
}

// usageOfFolder counts the tokens of every image in dir with a usage job.
func usageOfFolder(s *session.Session, dir string) (*usageSource, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range entries {
		ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(e.Name())), ".")
		if !e.IsDir() && slices.Contains(imageExtensions, ext) {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no PNG or JPEG images in %s", dir)
	}
	res, err := wait(s.Usage(paths))
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("%s (%d images)", filepath.Base(dir), len(paths))
	return &usageSource{name: name, usage: res.(cbook.Usage)}, nil
}

// wait blocks until j finishes and returns its outcome.
func wait(j *jobs.Job) (jobs.Result, error) {
	<-j.Done()
	return j.Result(), j.Err()
}

// usageText summarises a usage source.
func usageText(src *usageSource) string {
	u := src.usage
	return fmt.Sprintf("%s: %d tokens · perplexity %.1f of %d · %d dead", src.name, u.Total, u.Perplexity(), len(u.Counts), len(u.Dead()))
}

// deadEntries flags the entries a usage never saw; nil without usage.
func deadEntries(src *usageSource) []bool {
	if src == nil {
		return nil
	}
	dead := make([]bool, len(src.usage.Counts))
	for _, i := range src.usage.Dead() {
		dead[i] = true
	}
	return dead
}

// histogram draws the usage counts in atlas order as bars, at least 512
// pixels wide: the selected entry's bar in the selection colour, each dead
// entry as a red tick on the baseline.
func histogram(u cbook.Usage, order []int, selected int) *image.NRGBA {
	const h = 64
	bw := max(1, 512/max(len(order), 1))
	img := image.NewNRGBA(image.Rect(0, 0, bw*len(order), h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.NRGBA{24, 24, 28, 255}}, image.Point{}, draw.Src)
	most := max(slices.Max(append([]int{1}, u.Counts...)), 1)
	for i, e := range order {
		c, ink := u.Counts[e], color.NRGBA{170, 180, 200, 255}
		bar := (c*(h-4) + most - 1) / most // a used entry gets at least one pixel
		if e == selected {
			ink = selectedColour
		}
		if c == 0 {
			bar, ink = 3, deadColour
		}
		gap := 0
		if bw >= 4 {
			gap = 1 // wide bars stay apart
		}
		draw.Draw(img, image.Rect(i*bw, h-bar, (i+1)*bw-gap, h), &image.Uniform{ink}, image.Point{}, draw.Src)
	}
	return img
}

// occurrences draws src's image with every cell holding code outlined and
// the other cells dimmed; it returns the image and the number of cells.
func occurrences(src *usageSource, code int) (*image.NRGBA, int) {
	g, b := src.grid, src.image.Bounds()
	img := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(img, img.Bounds(), src.image, b.Min, draw.Src)
	cw, ch := b.Dx()/g.W, b.Dy()/g.H
	n := 0
	for y := range g.H {
		for x := range g.W {
			cell := image.Rect(x*cw, y*ch, (x+1)*cw, (y+1)*ch)
			if g.At(x, y) != code {
				dim(img, cell, 3)
				continue
			}
			n++
			frame(img, cell, selectedColour)
		}
	}
	return img, n
}

// frame draws a one-pixel border just inside r.
func frame(img *image.NRGBA, r image.Rectangle, c color.NRGBA) {
	for x := r.Min.X; x < r.Max.X; x++ {
		img.SetNRGBA(x, r.Min.Y, c)
		img.SetNRGBA(x, r.Max.Y-1, c)
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		img.SetNRGBA(r.Min.X, y, c)
		img.SetNRGBA(r.Max.X-1, y, c)
	}
}
