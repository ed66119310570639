package train

import (
	"bufio"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/imgio"
	engtrain "tessera/engine/train"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// curve is one logged value the plots draw.
type curve struct {
	key, name string
	colour    color.NRGBA
	right     bool
}

// The curves of the two plots, by taming's names. d_weight is on the right
// axis: it runs to thousands where the losses stay near 1.
var (
	lossCurves = []curve{
		{"total_loss", "total", color.NRGBA{R: 0xf2, G: 0x8e, B: 0x2b, A: 0xff}, false},
		{"rec_loss", "rec", color.NRGBA{R: 0x4e, G: 0x9f, B: 0xe5, A: 0xff}, false},
		{"p_loss", "p", color.NRGBA{R: 0x59, G: 0xc2, B: 0x6b, A: 0xff}, false},
		{"g_loss", "g", color.NRGBA{R: 0xe1, G: 0x57, B: 0x59, A: 0xff}, false},
		{"disc_loss", "disc", color.NRGBA{R: 0xed, G: 0xc9, B: 0x48, A: 0xff}, false},
		{"d_weight", "d_weight", color.NRGBA{R: 0xb0, G: 0x7a, B: 0xe1, A: 0xff}, true},
		{"loss", "loss", color.NRGBA{R: 0xf2, G: 0x8e, B: 0x2b, A: 0xff}, false},
	}
	codeCurves = []curve{
		{"codebook_usage", "usage", color.NRGBA{R: 0x4e, G: 0xc9, B: 0xb0, A: 0xff}, false},
		{"perplexity", "perplexity", color.NRGBA{R: 0xff, G: 0x9d, B: 0xa7, A: 0xff}, true},
	}
)

// curves keeps every logged value by step, for the plots.
type curves struct {
	x, y map[string][]float64
	last int // the last step with values
}

func newCurves() *curves { return &curves{x: map[string][]float64{}, y: map[string][]float64{}} }

func (c *curves) reset() { *c = *newCurves() }

// add records a step's values. A step at or before the last one (a run
// resumed from its checkpoint) first drops what was logged from it on.
func (c *curves) add(step int, logs map[string]float64) {
	if step <= c.last {
		c.trimFrom(step)
	}
	for k, v := range logs {
		c.x[k] = append(c.x[k], float64(step))
		c.y[k] = append(c.y[k], v)
	}
	c.last = step
}

func (c *curves) trimFrom(step int) {
	for k, xs := range c.x {
		n, _ := slices.BinarySearch(xs, float64(step))
		c.x[k], c.y[k] = xs[:n], c.y[k][:n]
	}
	c.last = step - 1
}

func (c *curves) lastStep() int { return c.last }

// series are the plot's curves among those logged.
func (c *curves) series(which []curve) []widgets.Series {
	var out []widgets.Series
	for _, w := range which {
		if xs := c.x[w.key]; len(xs) > 0 {
			out = append(out, widgets.Series{Name: w.name, Colour: w.colour, Right: w.right, X: xs, Y: c.y[w.key]})
		}
	}
	return out
}

// readLog reads a run's log.jsonl: one object per step, "step" being the
// step the values were computed at (0 for the first), so step+1 steps were
// done, as the run's reports count them.
func readLog(path string) (*curves, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c := newCurves()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var line map[string]float64
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			continue // a line cut short by a crash
		}
		step, ok := line["step"]
		if !ok {
			continue
		}
		delete(line, "step")
		c.add(int(step)+1, line)
	}
	return c, sc.Err()
}

// pictures shows a run's progress pictures: the latest as it comes, or an
// earlier one the user steps back to.
type pictures struct {
	paths              []string
	at                 int  // the one shown, -1 for none
	follow             bool // show each new one as it comes
	gen                int  // counts loads; an older load's image is dropped
	img                *canvas.Image
	title, text        *widget.Label
	prev, next, latest *widget.Button
	box                fyne.CanvasObject
}

func newPictures() *pictures {
	p := &pictures{at: -1, follow: true}
	p.img = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	p.img.SetMinSize(fyne.NewSquareSize(160))
	p.title = widgets.Heading("Pictures")
	p.title.Truncation = fyne.TextTruncateEllipsis
	p.text = widget.NewLabel("No pictures yet.")
	p.text.Truncation = fyne.TextTruncateEllipsis
	p.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { p.show(p.at-1, false) })
	p.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { p.show(p.at+1, p.at+1 == len(p.paths)-1) })
	p.latest = widget.NewButtonWithIcon("Latest", theme.MediaSkipNextIcon(), func() { p.show(len(p.paths)-1, true) })
	nav := container.NewBorder(nil, nil, container.NewHBox(p.prev, p.next), p.latest, p.text)
	p.box = container.NewBorder(p.title, nav, nil, nil, p.img)
	p.buttons()
	return p
}

// setKind names what the pictures show.
func (p *pictures) setKind(kind string) {
	if kind == engtrain.KindTransformer {
		p.title.SetText("Pictures: image, reconstruction, sample")
	} else {
		p.title.SetText("Pictures: inputs beside their reconstructions")
	}
}

// set replaces the pictures and shows the latest.
func (p *pictures) set(paths []string) {
	p.paths, p.at, p.follow = paths, -1, true
	p.gen++
	p.img.Image = nil
	p.img.Refresh()
	p.text.SetText("No pictures yet.")
	p.show(len(paths)-1, true)
}

// add takes a new picture, showing it when following the latest.
func (p *pictures) add(path string) {
	if i := slices.Index(p.paths, path); i >= 0 { // written again by a resumed run
		p.paths = p.paths[:i]
	}
	p.paths = append(p.paths, path)
	if p.follow {
		p.show(len(p.paths)-1, true)
		return
	}
	p.describe()
	p.buttons()
}

// show loads picture i off the UI goroutine; follow says whether newer
// ones replace it as they come.
func (p *pictures) show(i int, follow bool) {
	if i < 0 || i >= len(p.paths) {
		p.buttons()
		return
	}
	p.at, p.follow = i, follow
	p.gen++
	gen, path := p.gen, p.paths[i]
	p.describe()
	p.buttons()
	go func() {
		img, err := imgio.Decode(path)
		view.Do(func() {
			if gen != p.gen {
				return
			}
			if err != nil {
				p.text.SetText(fmt.Sprintf("%s: %v", filepath.Base(path), err))
				return
			}
			p.img.Image = img
			p.img.Refresh()
		})
	}()
}

func (p *pictures) describe() {
	if p.at < 0 {
		return
	}
	p.text.SetText(fmt.Sprintf("step %d · %d/%d", pictureStep(p.paths[p.at]), p.at+1, len(p.paths)))
}

func (p *pictures) buttons() {
	widgets.Enable(p.prev, p.at > 0)
	widgets.Enable(p.next, p.at >= 0 && p.at < len(p.paths)-1)
	widgets.Enable(p.latest, len(p.paths) > 0 && (p.at != len(p.paths)-1 || !p.follow))
}

// shown is the image on screen, nil before one is loaded.
func (p *pictures) shown() image.Image { return p.img.Image }

// pictureStep reads the step from a picture's name, step-000120.png.
func pictureStep(path string) int {
	n := 0
	fmt.Sscanf(strings.TrimPrefix(filepath.Base(path), "step-"), "%d", &n)
	return n
}

// listPictures lists a run's pictures in step order.
func listPictures(out string) []string {
	paths, _ := filepath.Glob(filepath.Join(out, "images", "step-*.png"))
	slices.Sort(paths) // the step is zero-padded
	return paths
}
