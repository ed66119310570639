// Package editor is the studio's Editor view: an image shown as its token
// grid, tools that change tokens (eyedropper, brush, copy and stamp, region
// resampling with the transformer), undo and redo, and the image decoded
// again after each edit.
package editor

import (
	"fmt"
	"image"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/jobs"
	"tessera/engine/model"
	"tessera/engine/session"
	"tessera/engine/tokens"
	"tessera/ui/view"
	"tessera/ui/widgets"
)

// undoSteps is how many edits the Editor can undo.
const undoSteps = 200

// editorView is the token-grid editor: an image shown as its token grid,
// tools that change tokens, and the image decoded again after each edit.
// All fields are used on the UI goroutine only.
type editorView struct {
	env  *view.Env
	m    *model.Model
	card *model.Card

	// The document: the grid, the image last decoded from it whole (of
	// edit generation imgGen), and how it was made.
	grid   tokens.Grid
	img    image.Image
	imgGen int
	params map[string]any
	hist   *session.History

	// What is shown: img with previews of later edits pasted in, the cells
	// edited but not decoded yet, and those not yet in a preview.
	shown   image.Image
	pending tokens.Mask
	dirty   image.Rectangle
	editErr bool // the status shows an error an edit caused

	tool     tool
	code     int             // the brush's code
	clip     tokens.Grid     // the rectangle Copy took
	sel      image.Rectangle // selected cells
	mask     tokens.Mask     // cells marked with the Mask tool
	maskOn   bool            // the mask stroke adds cells (else removes)
	maskDrag bool            // a mask stroke is being dragged
	before   *tokens.Grid    // the grid as a stroke began

	gen          int // counts edits, so a decode of an older grid is dropped
	savedGen     int // the edit generation last opened, saved or exported
	previewTimer *time.Timer
	fullTimer    *time.Timer
	fullDelay    time.Duration // from the last edit to the whole decode
	loading      *jobs.Job     // reading a file into a new document
	previewing   *jobs.Job     // decoding the cells around an edit
	decoding     *jobs.Job     // decoding the whole edited grid
	decodingGen  int           // the edit generation decoding decodes
	resampler    *jobs.Job

	view       *widgets.GridView
	hint       *widget.Label
	hoverText  *widget.Label
	hoverPatch *canvas.Image
	codeEntry  *widget.Entry
	codePatch  *canvas.Image
	notes      *widget.Label
	toolHelp   *widget.Label
	why        *widget.Label // why Resample is unavailable
	seed       *widgets.SeedField
	tools      map[tool]*widget.Button
	buttons    editorButtons
	status     *widgets.StatusLine
	body       fyne.CanvasObject
}

type editorButtons struct {
	save, export, undo, redo, resample, cancel *widget.Button
	resampleMask, clearMask                    *widget.Button
	grid                                       *widget.Check
}

// New makes the Editor view. It offers its grid to the other views
// (Env.CurrentGrid) and opens theirs (Env.SendToEditor).
func New(env *view.Env) view.View {
	v := &editorView{env: env, hist: session.NewHistory(undoSteps), status: widgets.NewStatusLine(), fullDelay: decodeDelay}
	env.CurrentGrid = v.currentGrid
	env.SendToEditor = v.receive
	v.build()
	return v
}

func (v *editorView) Title() string              { return "Editor" }
func (v *editorView) Icon() fyne.Resource        { return theme.DocumentCreateIcon() }
func (v *editorView) Content() fyne.CanvasObject { return v.body }

// ModelChanged starts afresh: codes of another codebook mean nothing here.
func (v *editorView) ModelChanged(m *model.Model, card *model.Card) {
	v.cancelJobs()
	v.m, v.card = m, card
	v.setDocument(tokens.Grid{}, nil, nil)
	msg := fmt.Sprintf("Editing with %s: codes 0..%d, %d×%d pixels per token.", filepath.Base(m.WeightsPath), card.CodebookSize-1, card.Factor, card.Factor)
	if v.code >= card.CodebookSize {
		msg += fmt.Sprintf(" The brush code %d is not among them: the brush paints code 0 now.", v.code)
		v.setCode(0)
	}
	v.codePatch.Image = nil // a tile of the other model's decoder
	v.codePatch.Refresh()
	v.status.Info(msg)
}

func (v *editorView) build() {
	v.view = widgets.NewGridView()
	v.view.OnTap = v.tapped
	v.view.OnDrag = v.dragged
	v.view.OnDragEnd = v.dragEnded
	v.view.OnHover = v.hovered
	v.view.OnRune = v.typedKey
	v.hint = widget.NewLabelWithStyle("Open an image or a token grid (PNG, JPEG or JSON),\nor send a result here from the Sample view.", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})

	v.hoverText = widget.NewLabel(noHover)
	v.hoverPatch = patchImage()
	v.codePatch = patchImage()
	v.codeEntry = widget.NewEntry()
	v.codeEntry.SetPlaceHolder("code")
	v.codeEntry.OnChanged = func(s string) { v.typedCode(s, false) }
	v.codeEntry.OnSubmitted = func(s string) { v.typedCode(s, true) }
	v.notes = widget.NewLabel("")
	v.notes.Wrapping = fyne.TextWrapWord
	v.toolHelp = widget.NewLabel("")
	v.toolHelp.Wrapping = fyne.TextWrapWord
	v.why = widget.NewLabel("")
	v.why.Wrapping = fyne.TextWrapWord
	v.why.Importance = widget.WarningImportance

	b := &v.buttons
	open := widget.NewButtonWithIcon("Open…", theme.FolderOpenIcon(), v.open)
	b.save = widget.NewButtonWithIcon("Save grid…", theme.DocumentSaveIcon(), v.Save)
	b.export = widget.NewButtonWithIcon("Export PNG…", theme.FileImageIcon(), v.Export)
	b.undo = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), v.Undo)
	b.redo = widget.NewButtonWithIcon("Redo", theme.ContentRedoIcon(), v.Redo)
	b.grid = widget.NewCheck("Grid", v.view.SetGridVisible)
	b.grid.SetChecked(true)
	b.resample = widget.NewButtonWithIcon("Resample region", theme.ViewRefreshIcon(), v.resample)
	b.resample.Importance = widget.HighImportance
	b.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), v.cancelResample)
	b.resampleMask = widget.NewButtonWithIcon("Resample mask", theme.ViewRefreshIcon(), v.resampleMask)
	b.clearMask = widget.NewButtonWithIcon("Clear mask", theme.ContentClearIcon(), v.clearMask)
	v.seed = widgets.NewSeedField(true, nil)

	zoom := []fyne.CanvasObject{
		widget.NewButtonWithIcon("", theme.ZoomOutIcon(), v.view.ZoomOut),
		widget.NewButtonWithIcon("", theme.ZoomInIcon(), v.view.ZoomIn),
		widget.NewButtonWithIcon("Fit", theme.ZoomFitIcon(), v.view.Fit),
	}
	top := container.NewHBox(append([]fyne.CanvasObject{open, b.save, b.export, widget.NewSeparator(), b.undo, b.redo, widget.NewSeparator(), b.grid, widget.NewSeparator()}, zoom...)...)
	toolbar := container.NewHBox(v.toolBar()...)
	side := container.NewVBox(
		widget.NewLabelWithStyle("Under the pointer", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(v.hoverPatch, v.hoverText),
		container.NewBorder(nil, nil, container.NewHBox(widget.NewLabelWithStyle("Brush code", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), v.codePatch), nil, v.codeEntry),
		widget.NewSeparator(),
		v.toolHelp,
		widget.NewSeparator(),
		container.NewHBox(b.resample, b.cancel),
		container.NewHBox(b.resampleMask, b.clearMask),
		container.NewBorder(nil, nil, widget.NewLabel("Seed"), nil, v.seed.Content()),
		v.why,
		widget.NewSeparator(),
		v.notes,
	)
	sidebar := container.NewStack(widgets.AtLeast(fyne.NewSize(320, 0)), side)
	centre := container.NewStack(v.view, container.NewCenter(v.hint))
	v.body = container.NewBorder(container.NewVBox(top, toolbar), v.status.Content(), nil, sidebar, centre)
	v.selectTool(toolBrush)
	v.refreshButtons()
}

// patchImage is a small image showing one cell enlarged.
func patchImage() *canvas.Image {
	img := &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	img.SetMinSize(fyne.NewSquareSize(48))
	return img
}

// setDocument replaces what is edited; history starts over.
func (v *editorView) setDocument(g tokens.Grid, img image.Image, params map[string]any) {
	v.grid, v.img, v.shown, v.params = g, img, img, params
	v.pending, v.dirty, v.editErr = tokens.Mask{}, image.Rectangle{}, false
	v.view.SetPending(v.pending)
	v.gen++
	v.imgGen, v.savedGen = v.gen, v.gen
	v.hist = session.NewHistory(undoSteps)
	v.sel, v.clip, v.mask = image.Rectangle{}, tokens.Grid{}, tokens.Mask{}
	v.view.SetSelection(v.sel)
	v.view.SetMask(v.mask)
	v.view.SetImage(img, g.W, g.H)
	v.hint.Hidden = v.loaded()
	v.hint.Refresh()
	v.hoverText.SetText(noHover)
	v.hoverPatch.Image = nil
	v.hoverPatch.Refresh()
	v.refreshButtons()
}

func (v *editorView) loaded() bool { return v.grid.W > 0 }

// Unsaved tells whether the grid was changed since it was opened, saved or
// exported: the studio asks before quitting or another model discards it.
func (v *editorView) Unsaved() bool { return v.loaded() && v.gen != v.savedGen }

// saved notes that the grid of edit generation gen was written.
func (v *editorView) saved(gen int) { v.savedGen = max(v.savedGen, gen) }

// refreshButtons enables what makes sense now.
func (v *editorView) refreshButtons() {
	b := &v.buttons
	busy := v.resampler != nil
	widgets.Enable(b.save, v.loaded() && !busy)
	widgets.Enable(b.export, v.loaded() && !busy)
	widgets.Enable(b.undo, v.hist.CanUndo() && !busy)
	widgets.Enable(b.redo, v.hist.CanRedo() && !busy)
	widgets.Enable(b.cancel, busy)
	why := v.resampleBlocked()
	widgets.Enable(b.resample, why == "" && v.loaded() && !v.sel.Empty() && !busy)
	widgets.Enable(b.resampleMask, why == "" && v.masked() > 0 && !busy)
	widgets.Enable(b.clearMask, v.masked() > 0 && !busy)
	v.why.SetText(why)
}

// describeDocument is the notes line: where the grid came from and what
// was done to it.
func describeDocument(name string, g tokens.Grid, factor int, notes []string) string {
	s := fmt.Sprintf("%s: %d×%d tokens, %d×%d pixels.", name, g.W, g.H, g.W*factor, g.H*factor)
	if len(notes) > 0 {
		s += "\nNote: " + strings.Join(notes, "; ") + "."
	}
	return s
}
