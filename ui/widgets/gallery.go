package widgets

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/imgio"
	"tessera/engine/outputs"
	"tessera/engine/pipeline"
	"tessera/ui/view"
)

// Gallery lists sampled results, newest first, each with the model and
// parameters that made it, a way to open it in the Editor and one to
// export it. Results of other models stay, marked with their model; only
// the model in use can edit them.
type Gallery struct {
	env     *view.Env
	status  *StatusLine
	results []pipeline.Result
	model   string // the weights path of the model in use
	grid    *fyne.Container
	body    fyne.CanvasObject
	// picked is the result chosen first for Compare, nil when none.
	picked *pipeline.Result
}

// Texts of the Clear confirmation and of the cards' buttons, shared with
// the tests.
const (
	ClearTitle  = "Clear the results?"
	ClearText   = "Clear"
	EnlargeText = "Enlarge"
	CompareText = "Compare"
	ReuseText   = "Reuse"
)

const galleryThumb = 168

func NewGallery(env *view.Env, status *StatusLine) *Gallery {
	g := &Gallery{env: env, status: status}
	g.grid = container.NewGridWrap(fyne.NewSize(galleryThumb+16, galleryThumb+200))
	g.body = container.NewVScroll(g.grid)
	return g
}

// Content is the scrolling list of cards.
func (g *Gallery) Content() fyne.CanvasObject { return g.body }

// Results are the results shown, newest first.
func (g *Gallery) Results() []pipeline.Result { return g.results }

// Add puts results first, in their order.
func (g *Gallery) Add(res []pipeline.Result) {
	cards := make([]fyne.CanvasObject, 0, len(res)+len(g.grid.Objects))
	for _, r := range res {
		cards = append(cards, g.card(r))
	}
	g.results = append(append([]pipeline.Result{}, res...), g.results...)
	g.grid.Objects = append(cards, g.grid.Objects...)
	g.grid.Refresh()
}

// Append puts results last, in their order: older ones, brought back
// from the output history.
func (g *Gallery) Append(res []pipeline.Result) {
	for _, r := range res {
		g.grid.Objects = append(g.grid.Objects, g.card(r))
	}
	g.results = append(g.results, res...)
	g.grid.Refresh()
}

// SetModel marks the results of models other than the one at path (its
// weights path): their codes mean nothing to its codebook, so they cannot
// go to the Editor.
func (g *Gallery) SetModel(path string) {
	g.model = path
	g.grid.Objects = g.grid.Objects[:0]
	for _, r := range g.results {
		g.grid.Objects = append(g.grid.Objects, g.card(r))
	}
	g.grid.Refresh()
}

// ConfirmClear asks, then removes every result from the gallery (the
// output history keeps its files).
func (g *Gallery) ConfirmClear() {
	if len(g.results) == 0 || g.env.Window == nil {
		return
	}
	msg := fmt.Sprintf("Remove the %d result(s) from the gallery?", len(g.results))
	if g.env.Outputs != nil {
		msg += "\nTheir PNGs stay in " + g.env.Outputs.Root + "."
	}
	dialog.NewCustomConfirm(ClearTitle, ClearText, "Keep them", widget.NewLabel(msg), func(yes bool) {
		if yes {
			g.Clear()
		}
	}, g.env.Window).Show()
}

func (g *Gallery) Clear() {
	g.results, g.picked = nil, nil
	g.grid.Objects = nil
	g.grid.Refresh()
}

func (g *Gallery) card(r pipeline.Result) fyne.CanvasObject {
	img := &canvas.Image{Image: r.Image, FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	img.SetMinSize(fyne.NewSquareSize(galleryThumb))
	made, _ := r.Params["model"].(string)
	other := made != g.model
	name := outputs.ModelName(made)
	if other {
		name += " (another model)"
	}
	about := widget.NewLabel(name + "\n" + Summary(r.Params))
	about.Wrapping = fyne.TextWrapWord
	about.SizeName = theme.SizeNameCaptionText
	edit := widget.NewButtonWithIcon("Edit", theme.DocumentCreateIcon(), func() {
		if g.env.SendToEditor != nil {
			g.env.SendToEditor(r.Grid, r.Image, r.Params)
		}
	})
	if other {
		edit.Disable()
	}
	export := widget.NewButtonWithIcon("PNG…", theme.FileImageIcon(), func() { ExportResult(g.env, g.status, r) })
	enlarge := widget.NewButtonWithIcon(EnlargeText, theme.ZoomInIcon(), func() { ShowEnlarged(r, g.env.Window) })
	compare := widget.NewButtonWithIcon(CompareText, theme.ViewRestoreIcon(), func() { g.compare(r) })
	if g.picked != nil && g.picked.Image == r.Image {
		compare.Importance = widget.HighImportance
	}
	reuse := widget.NewButtonWithIcon(ReuseText, theme.ContentRedoIcon(), func() {
		if g.env.ReuseSettings != nil {
			g.env.ReuseSettings(r.Params)
		}
	})
	buttons := container.NewGridWithColumns(2, edit, export, enlarge, compare, reuse)
	return container.NewBorder(img, buttons, nil, nil, about)
}

// compare picks r as the first result of a comparison, or shows it beside
// the one picked before; picking the same one again lets it go.
func (g *Gallery) compare(r pipeline.Result) {
	switch {
	case g.picked == nil:
		g.picked = &r
		g.status.Info("Pick another result to compare with.")
	case g.picked.Image == r.Image:
		g.picked = nil
		g.status.Info("")
	default:
		first := *g.picked
		g.picked = nil
		g.status.Info("")
		ShowCompared(first, r, g.env.Window)
	}
	g.SetModel(g.model) // redraws the cards with the pick shown
}

// ExportResult asks where to save a sampled result and writes it there on
// the worker, as a PNG carrying its token grid and parameters.
func ExportResult(env *view.Env, st *StatusLine, r pipeline.Result) {
	env.Ctrl.SaveFile("Export a PNG with its token grid", []string{"png"}, outputs.FileName(r.Image, r.Params)+".png", func(path string) {
		if path == "" {
			return
		}
		path = WithExt(path, ".png")
		WriteOnWorker(env.Session, st, "export "+filepath.Base(path), func() error {
			return imgio.SaveWithGrid(path, r.Image, r.Grid, r.Params)
		}, "Exported "+path+" with its token grid and parameters.")
	})
}

// PartialText marks a result of a cancelled run.
const PartialText = "partial"

// Summary is a result's parameters in a few words.
func Summary(p map[string]any) string {
	var lines []string
	head := fmt.Sprintf("seed %v #%v", p["seed"], p["index"])
	if pipeline.IsPartial(p) {
		head = PartialText + " · " + head
	}
	if c, ok := p["class"]; ok {
		head += fmt.Sprintf(" · class %v", c)
	}
	if c, ok := p["condition"]; ok {
		head += fmt.Sprintf(" · %v", c)
	}
	lines = append(lines, head)
	lines = append(lines, fmt.Sprintf("top-k %v · top-p %v · T %v", p["top_k"], p["top_p"], p["temperature"]))
	return strings.Join(lines, "\n")
}
