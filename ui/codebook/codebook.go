// Package codebook is the studio's Codebook view: the atlas of every
// codebook entry decoded as a patch, a map of the code vectors, usage over
// an image or a folder, and the selected entry's neighbours and
// occurrences.
package codebook

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	cbook "tessera/engine/codebook"
	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/session"
	"tessera/ui/view"
)

// neighbourCount is how many nearest entries the selection shows.
const neighbourCount = 8

// codebookView is the Codebook tab: the atlas of every entry decoded as a
// patch, a map of the code vectors, usage over an image or a folder, and
// the selected entry's neighbours and occurrences.
type codebookView struct {
	env *view.Env
	// gen counts codebook decodes (one a model, and retries); results of
	// jobs for an older one are dropped.
	gen int

	cb       *session.Codebook
	card     *model.Card
	usage    *usageSource
	sortBy   string
	order    []int
	scale    int
	selected int
	hover    int     // the entry under the mouse, -1 for none
	drawn    int     // atlas renders started; only the latest is shown
	width    float32 // the atlas's width in the window; 0 before it is laid out

	loading   *fyne.Container
	loadBar   *widget.ProgressBar
	loadText  *widget.Label
	retry     *widget.Button // decodes the codebook again after a cancel or failure
	main      fyne.CanvasObject
	atlas     *atlasWidget
	zoom      *widget.Slider
	zoomText  *widget.Label
	sorts     map[string]*widget.Button
	current   *widget.Button
	usageInfo *widget.Label
	hoverInfo *widget.Label
	hist      *canvas.Image
	cmap      *mapWidget
	selInfo   *widget.Label
	nearTitle *widget.Label
	nearest   *fyne.Container
	occurInfo *widget.Label
	occur     *canvas.Image
	body      fyne.CanvasObject
}

// New makes the Codebook view.
func New(env *view.Env) view.View {
	v := &codebookView{env: env, sortBy: byIndex, selected: -1, hover: -1}
	v.loadText = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	v.loadBar = widget.NewProgressBar()
	v.retry = widget.NewButtonWithIcon(retryText, theme.ViewRefreshIcon(), v.decodeCodebook)
	v.retry.Hide()
	v.loading = container.NewCenter(container.NewVBox(v.loadText,
		container.NewGridWrap(fyne.NewSize(320, v.loadBar.MinSize().Height), v.loadBar),
		container.NewCenter(v.retry)))

	v.atlas = newAtlasWidget(v.hovered, v.selectEntry)
	v.zoom = widget.NewSlider(1, 2)
	v.zoom.OnChanged = func(f float64) { v.setScale(int(f)) }
	v.zoomText = widget.NewLabel("")
	zoomOut := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() { v.zoom.SetValue(v.zoom.Value - 1) })
	zoomIn := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { v.zoom.SetValue(v.zoom.Value + 1) })
	v.sorts = map[string]*widget.Button{}
	sortBox := container.NewHBox(widget.NewLabel("Sort"))
	for _, s := range []string{byIndex, byUsage, byColour} {
		v.sorts[s] = widget.NewButton(s, func() { v.sortAtlas(s) })
		sortBox.Add(v.sorts[s])
	}
	v.current = widget.NewButtonWithIcon("Current grid", theme.DocumentIcon(), v.usageOfCurrent)
	usageBox := container.NewHBox(widget.NewLabel("Usage"), v.current,
		widget.NewButtonWithIcon("Image…", theme.FileImageIcon(), v.usageOfImage),
		widget.NewButtonWithIcon("Folder…", theme.FolderOpenIcon(), v.usageOfFolder))
	toolbar := container.NewHBox(widget.NewLabel("Zoom"), zoomOut,
		container.NewGridWrap(fyne.NewSize(140, v.zoom.MinSize().Height), v.zoom), zoomIn, v.zoomText,
		widget.NewSeparator(), sortBox)
	v.usageInfo = widget.NewLabel("")
	v.usageInfo.Truncation = fyne.TextTruncateEllipsis // the window may be narrow
	usageRow := container.NewBorder(nil, nil, usageBox, nil, v.usageInfo)

	v.hoverInfo = widget.NewLabel("")
	v.hist = canvas.NewImageFromImage(nil)
	v.hist.ScaleMode, v.hist.FillMode = canvas.ImageScalePixels, canvas.ImageFillStretch
	v.hist.SetMinSize(fyne.NewSize(0, 64))
	v.atlas.onWidth = v.fitColumns
	left := container.NewBorder(nil, container.NewVBox(v.hoverInfo, v.hist), nil, nil, container.NewVScroll(v.atlas))

	v.cmap = newMapWidget(v.selectEntry)
	mapTitle := widget.NewLabelWithStyle("Map: code vectors on their first two principal components", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.selInfo = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.nearTitle = widget.NewLabel("Nearest entries")
	v.nearest = container.NewGridWrap(fyne.NewSize(48, 72))
	v.occurInfo = widget.NewLabel("")
	v.occurInfo.Wrapping = fyne.TextWrapWord
	v.occur = canvas.NewImageFromImage(nil)
	v.occur.ScaleMode, v.occur.FillMode = canvas.ImageScalePixels, canvas.ImageFillContain
	v.occur.SetMinSize(fyne.NewSize(160, 160))
	selection := container.NewVScroll(container.NewVBox(v.selInfo, v.nearTitle, v.nearest, v.occurInfo, v.occur))
	right := container.NewVSplit(container.NewBorder(mapTitle, nil, nil, nil, v.cmap), selection)
	right.Offset = 0.4
	split := container.NewHSplit(left, right)
	split.Offset = 0.58

	v.main = container.NewBorder(container.NewVBox(toolbar, usageRow), nil, nil, nil, split)
	v.body = container.NewStack(v.loading, v.main)
	return v
}

func (v *codebookView) Title() string              { return "Codebook" }
func (v *codebookView) Icon() fyne.Resource        { return theme.GridIcon() }
func (v *codebookView) Content() fyne.CanvasObject { return v.body }

// retryText labels the button that decodes the codebook again.
const retryText = "Retry"

// ModelChanged forgets the old codebook and decodes the new one.
func (v *codebookView) ModelChanged(m *model.Model, card *model.Card) {
	v.cb, v.card, v.usage, v.selected, v.hover, v.sortBy = nil, card, nil, -1, -1, byIndex
	v.hoverInfo.SetText("")
	v.main.Hide()
	v.decodeCodebook()
}

// decodeCodebook decodes every entry of the model's codebook on the
// worker, showing its progress.
func (v *codebookView) decodeCodebook() {
	v.gen++
	v.loadText.SetText(decodingText(v.card.CodebookSize, false))
	v.loadBar.SetValue(0)
	v.loadBar.Show()
	v.retry.Hide()
	v.loading.Show()
	gen, j := v.gen, v.env.Session.Codebook()
	go func() {
		for tick := time.NewTicker(100 * time.Millisecond); ; {
			select {
			case <-j.Done():
				tick.Stop()
				view.Do(func() {
					if v.gen == gen {
						v.codebookDone(j.Result(), j.Err())
					}
				})
				return
			case <-tick.C:
				p, paused := j.Progress().Fraction(), j.State() == jobs.Queued && !j.Started().IsZero()
				view.Do(func() {
					if v.gen != gen {
						return
					}
					v.loadBar.SetValue(p)
					v.loadText.SetText(decodingText(v.card.CodebookSize, paused))
				})
			}
		}
	}()
}

// decodingText says what the atlas is doing; paused, it has given way to
// the artist's own jobs (see session.Codebook).
func decodingText(entries int, paused bool) string {
	if paused {
		return fmt.Sprintf("Decoding %d codebook entries: paused while your other jobs run…", entries)
	}
	return fmt.Sprintf("Decoding %d codebook entries…", entries)
}

func (v *codebookView) codebookDone(res any, err error) {
	switch {
	case view.Cancelled(err):
		v.loadText.SetText("Decoding the codebook was cancelled.")
	case err != nil:
		v.loadText.SetText("Could not decode the codebook: " + err.Error())
	}
	if err != nil {
		v.loadBar.Hide()
		v.retry.Show()
		return
	}
	v.cb = res.(*session.Codebook)
	v.current.Disable()
	if v.env.CurrentGrid != nil {
		v.current.Enable()
	}
	v.setupZoom()
	v.order = identity(len(v.cb.Patches))
	v.cmap.set(v.cb.Patches, v.cb.Map, nil)
	v.showUsage()
	v.showSelection()
	v.loading.Hide()
	v.main.Show()
	v.redraw()
}

// setupZoom picks a default scale that shows a patch at about 32 units,
// and limits the atlas to 8192 units across.
func (v *codebookView) setupZoom() {
	p, cols := v.patch(), v.cols()
	most := max(1, (8192/cols-4)/p)
	v.scale = min(max(1, 32/p), most)
	v.zoom.Max = float64(max(2, min(128/p, most)))
	v.zoom.Value = float64(v.scale)
	v.zoom.Refresh()
	v.zoomText.SetText(fmt.Sprintf("%d×", v.scale))
}

func (v *codebookView) patch() int { return v.cb.Patches[0].Bounds().Dx() }

// cols fills the width the atlas was given with columns, so it never
// scrolls sideways; before it has a width, it makes the atlas about square.
func (v *codebookView) cols() int {
	n := len(v.cb.Patches)
	if v.width <= 0 {
		return int(math.Ceil(math.Sqrt(float64(n))))
	}
	cell, _ := cbook.AtlasLayout{Cols: 1, Scale: v.scale, Patch: v.patch()}.Size(1)
	return min(max(1, int(v.width)/cell), n)
}

// fitColumns redraws the atlas when its new width holds another number of
// columns.
func (v *codebookView) fitColumns(width float32) {
	if v.width == width {
		return
	}
	v.width = width
	if v.cb != nil && v.atlas.image.Image != nil && v.cols() != v.atlas.layout.Cols {
		v.redraw()
	}
}

func (v *codebookView) setScale(s int) {
	if v.cb == nil || s == v.scale {
		return
	}
	v.scale = s
	v.zoomText.SetText(fmt.Sprintf("%d×", s))
	v.redraw()
}

// redraw renders the atlas off the UI goroutine (a big codebook makes an
// image of tens of megapixels) and shows it when done.
func (v *codebookView) redraw() {
	v.drawn++
	drawn, gen := v.drawn, v.gen
	patches, order, dead, sel := v.cb.Patches, v.order, deadEntries(v.usage), v.selected
	l := cbook.AtlasLayout{Cols: v.cols(), Scale: v.scale, Patch: v.patch()}
	go func() {
		img := renderAtlas(patches, order, l, dead)
		view.Do(func() {
			if v.drawn == drawn && v.gen == gen {
				v.atlas.set(img, l, order, sel)
			}
		})
	}()
}

// sortAtlas orders the atlas by index, usage or colour.
func (v *codebookView) sortAtlas(by string) {
	if v.cb == nil {
		return
	}
	v.sortBy = by
	switch {
	case by == byUsage && v.usage != nil:
		v.order = v.usage.usage.ByUsage()
	case by == byColour:
		v.order = colourOrder(v.cb.Patches)
	default:
		v.order = identity(len(v.cb.Patches))
	}
	v.showSortButtons()
	v.showHistogram()
	v.redraw()
}

func (v *codebookView) showSortButtons() {
	for s, b := range v.sorts {
		b.Importance = widget.MediumImportance
		if s == v.sortBy {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
	if v.usage == nil {
		v.sorts[byUsage].Disable()
	} else {
		v.sorts[byUsage].Enable()
	}
}

// hovered shows the entry under the mouse (-1: none).
func (v *codebookView) hovered(entry int) {
	v.hover = entry
	if entry < 0 {
		v.hoverInfo.SetText("")
		return
	}
	v.hoverInfo.SetText(v.entryText(entry))
}

// entryText names an entry and its usage count when one was counted.
func (v *codebookView) entryText(entry int) string {
	switch {
	case v.usage == nil:
		return fmt.Sprintf("code %d", entry)
	case v.usage.usage.Counts[entry] == 0:
		return fmt.Sprintf("code %d · unused (dead)", entry)
	}
	return fmt.Sprintf("code %d · used %d×", entry, v.usage.usage.Counts[entry])
}

// selectEntry selects an entry on the atlas, the map and the histogram.
func (v *codebookView) selectEntry(entry int) {
	v.selected = entry
	v.atlas.setSelected(entry)
	v.cmap.setSelected(entry)
	v.showHistogram()
	v.showSelection()
}

// showSelection shows the selected entry's neighbours and occurrences.
func (v *codebookView) showSelection() {
	e := v.selected
	v.nearest.RemoveAll()
	v.occur.Image = nil
	v.occur.Refresh()
	v.nearTitle.Hidden = e < 0
	v.nearTitle.Refresh()
	if e < 0 {
		v.selInfo.SetText("Click an entry on the atlas or the map")
		v.occurInfo.SetText("")
		return
	}
	v.selInfo.SetText(v.entryText(e))
	for _, n := range v.cb.Neighbors(e, neighbourCount) {
		v.nearest.Add(v.tile(n))
	}
	switch {
	case v.usage == nil:
		v.occurInfo.SetText("Count usage over an image to see where this code occurs.")
	case v.usage.grid == nil:
		v.occurInfo.SetText(fmt.Sprintf("Used %d× over %s; pick one image to see where.", v.usage.usage.Counts[e], v.usage.name))
	default:
		img, n := occurrences(v.usage, e)
		v.occurInfo.SetText(fmt.Sprintf("Occurs %d× in %s:", n, v.usage.name))
		v.occur.Image = img
		v.occur.Refresh()
	}
}

// tile shows an entry's patch and index; clicking it selects the entry.
func (v *codebookView) tile(entry int) fyne.CanvasObject {
	img := canvas.NewImageFromImage(v.cb.Patches[entry])
	img.ScaleMode, img.FillMode = canvas.ImageScalePixels, canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(40))
	label := widget.NewLabelWithStyle(fmt.Sprint(entry), fyne.TextAlignCenter, fyne.TextStyle{})
	return newTapBox(container.NewBorder(nil, label, nil, nil, img), func() { v.selectEntry(entry) })
}

func (v *codebookView) showHistogram() {
	if v.usage == nil {
		v.hist.Hide()
		return
	}
	v.hist.Image = histogram(v.usage.usage, v.order, v.selected)
	v.hist.Show()
	v.hist.Refresh()
}

// showUsage shows the usage in use (or how to count one).
func (v *codebookView) showUsage() {
	if v.usage == nil {
		v.usageInfo.SetText("Count usage over the Editor's grid, an image or a folder to see dead entries and perplexity.")
	} else {
		v.usageInfo.SetText("Usage of " + usageText(v.usage))
	}
	v.showSortButtons()
	v.showHistogram()
}

// usageDone shows a counted usage: dead entries on the atlas and the map,
// the histogram and the selection's occurrences.
func (v *codebookView) usageDone(src *usageSource) {
	v.usage = src
	v.showUsage()
	v.hovered(v.hover) // its count is new
	v.cmap.set(v.cb.Patches, v.cb.Map, deadEntries(src))
	v.showSelection()
	if v.sortBy == byUsage {
		v.sortAtlas(byUsage) // the order follows the new counts
		return
	}
	v.redraw()
}

// countUsage runs count off the UI goroutine and shows its result; a
// failure goes to a dialog, a cancellation is left to the Jobs view.
func (v *codebookView) countUsage(what string, count func() (*usageSource, error)) {
	gen := v.gen
	v.usageInfo.SetText("Counting usage over " + what + "…")
	go func() {
		src, err := count()
		view.Do(func() {
			if v.gen != gen {
				return
			}
			if err != nil {
				v.showUsage()
				if !errors.Is(err, context.Canceled) && v.env.Window != nil {
					dialog.ShowError(fmt.Errorf("codebook usage of %s: %w", what, err), v.env.Window)
				}
				return
			}
			v.usageDone(src)
		})
	}()
}

func (v *codebookView) usageOfCurrent() {
	if v.env.CurrentGrid == nil {
		return
	}
	g, ok := v.env.CurrentGrid()
	if !ok {
		if v.env.Window != nil {
			dialog.ShowInformation("No grid", "The Editor has no token grid yet: encode or sample one first.", v.env.Window)
		}
		return
	}
	s, vocab := v.env.Session, v.card.CodebookSize
	v.countUsage("the Editor's grid", func() (*usageSource, error) { return usageOfGrid(s, "the Editor's grid", g, vocab) })
}

func (v *codebookView) usageOfImage() {
	s, factor, vocab := v.env.Session, v.card.Factor, v.card.CodebookSize
	v.env.Ctrl.PickFile("Count Usage over an Image", imageExtensions, func(path string) {
		if path != "" {
			v.countUsage(path, func() (*usageSource, error) { return usageOfImage(s, path, factor, vocab) })
		}
	})
}

func (v *codebookView) usageOfFolder() {
	s := v.env.Session
	v.env.Ctrl.PickFolder("Count Usage over a Folder of Images", func(dir string) {
		if dir != "" {
			v.countUsage(dir, func() (*usageSource, error) { return usageOfFolder(s, dir) })
		}
	})
}

// tapBox makes any object clickable.
type tapBox struct {
	widget.BaseWidget
	obj   fyne.CanvasObject
	onTap func()
}

func newTapBox(obj fyne.CanvasObject, onTap func()) *tapBox {
	t := &tapBox{obj: obj, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tapBox) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.obj) }
func (t *tapBox) Tapped(*fyne.PointEvent)             { t.onTap() }
