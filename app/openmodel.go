package app

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	native "github.com/sqweek/dialog"
)

// modelExtensions are the files a model can be opened from: a taming
// checkpoint (its YAML is found beside it) or a Tessera safetensors file.
var modelExtensions = []string{"ckpt", "safetensors"}

// OpenModel asks for a model file and loads it.
func (s *studio) OpenModel() {
	s.PickFile("Open Model", modelExtensions, false, func(path string) {
		if path != "" {
			s.view.LoadModel(path)
		}
	})
}

// PickFile shows a file dialog. The native dialog blocks until the user
// answers, so it runs on its own goroutine; when it cannot be shown at all,
// Fyne's own dialog is used instead. done runs on the UI goroutine. Only one
// dialog is open at a time: a second request while one is open is ignored.
func (s *studio) PickFile(title string, exts []string, save bool, done func(path string)) {
	if !s.choosing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		path, err := s.chooseFile(title, exts, save)
		switch {
		case errors.Is(err, native.ErrCancelled):
			s.choosing.Store(false)
			fyne.Do(func() { done("") })
		case err != nil:
			fyne.LogError("native file dialog unavailable, using Fyne's", err)
			fyne.Do(func() { s.pickWithFyneDialog(exts, save, done) })
		default:
			s.choosing.Store(false)
			fyne.Do(func() { done(path) })
		}
	}()
}

// pickWithFyneDialog is the fallback chooser, drawn inside the window.
func (s *studio) pickWithFyneDialog(exts []string, save bool, done func(path string)) {
	finish := func(path string, err error) {
		s.choosing.Store(false)
		if err != nil {
			dialog.ShowError(err, s.win)
			path = ""
		}
		done(path)
	}
	var d interface {
		SetFilter(storage.FileFilter)
		Resize(fyne.Size)
		Show()
	}
	if save {
		d = dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if w == nil || err != nil {
				finish("", err)
				return
			}
			w.Close()
			finish(w.URI().Path(), nil)
		}, s.win)
	} else {
		d = dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if r == nil || err != nil {
				finish("", err)
				return
			}
			r.Close()
			finish(r.URI().Path(), nil)
		}, s.win)
	}
	dotted := make([]string, len(exts))
	for i, e := range exts {
		dotted[i] = "." + e
	}
	d.SetFilter(storage.NewExtensionFileFilter(dotted))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// chooseFileNatively shows the desktop's own file dialog.
func chooseFileNatively(title string, exts []string, save bool) (path string, err error) {
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
	b := native.File().Title(title).Filter(strings.ToUpper(strings.Join(exts, ", "))+" files", exts...)
	if save {
		return b.Save()
	}
	return b.Load()
}
