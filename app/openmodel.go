package app

import (
	"errors"
	"fmt"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	native "github.com/sqweek/dialog"
)

// modelExtensions are the files a model can be opened from: a taming
// checkpoint (its YAML is found beside it) or a Tessera safetensors file.
var modelExtensions = []string{"ckpt", "safetensors"}

// OpenModel asks for a model file. The native dialog blocks until the user
// answers, so it runs on its own goroutine; when it cannot be shown at all,
// Fyne's own dialog is used instead.
func (s *studio) OpenModel() {
	if s.choosing.CompareAndSwap(false, true) {
		go s.pickModel()
	}
}

// pickModel runs the native dialog and reports its answer to the view. It
// clears s.choosing once no dialog is open any more.
func (s *studio) pickModel() {
	path, err := s.chooseFile()
	switch {
	case errors.Is(err, native.ErrCancelled):
		s.choosing.Store(false)
	case err != nil:
		fyne.LogError("native file dialog unavailable, using Fyne's", err)
		fyne.Do(s.openWithFyneDialog)
	default:
		fyne.Do(func() { s.view.ShowSelectedModel(path) })
		s.choosing.Store(false)
	}
}

// openWithFyneDialog is the fallback chooser, drawn inside the window.
func (s *studio) openWithFyneDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		defer s.choosing.Store(false)
		if err != nil {
			dialog.ShowError(err, s.win)
			return
		}
		if r == nil { // cancelled
			return
		}
		r.Close()
		s.view.ShowSelectedModel(r.URI().Path())
	}, s.win)
	exts := make([]string, len(modelExtensions))
	for i, e := range modelExtensions {
		exts[i] = "." + e
	}
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// chooseModelNatively shows the desktop's own open dialog.
func chooseModelNatively() (path string, err error) {
	// sqweek/dialog panics when GTK could not start (no display, no GTK);
	// that is a reason to fall back, not to crash.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("app: native file dialog: %v", r)
		}
	}()
	// One dialog's GTK calls must all come from the same thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return native.File().
		Title("Open Model").
		Filter("Models (.ckpt, .safetensors)", modelExtensions...).
		Load()
}
