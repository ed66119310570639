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

	"tessera/ui/view"
)

// modelExtensions are the files a model can be opened from: a taming
// checkpoint (its YAML is found beside it) or a Tessera safetensors file.
var modelExtensions = []string{"ckpt", "safetensors"}

// OpenModel asks for a model file and loads it.
func (s *studio) OpenModel() {
	s.PickFile("Open Model", modelExtensions, func(path string) {
		if path != "" {
			s.view.LoadModel(path)
		}
	})
}

// PickFile shows an open dialog: the desktop's own, or Fyne's when that
// cannot be shown.
func (s *studio) PickFile(title string, exts []string, done func(path string)) {
	s.pick(func() (string, error) { return s.chooseFile(title, exts) },
		func(finish func(string, error)) { s.fyneFileDialog(exts, false, "", finish) }, done)
}

// SaveFile shows a save dialog suggesting name: the desktop's own, or
// Fyne's when that cannot be shown.
func (s *studio) SaveFile(title string, exts []string, name string, done func(path string)) {
	s.pick(func() (string, error) { return s.chooseSave(title, exts, name) },
		func(finish func(string, error)) { s.fyneFileDialog(exts, true, name, finish) }, done)
}

// PickFolder shows a folder dialog: the desktop's own, or Fyne's when that
// cannot be shown.
func (s *studio) PickFolder(title string, done func(path string)) {
	s.pick(func() (string, error) { return s.chooseFolder(title) }, s.fyneFolderDialog, done)
}

// pick runs a native dialog, which blocks until the user answers, on its
// own goroutine; when it cannot be shown at all, the Fyne dialog is used
// instead. done runs on the UI goroutine. Only one dialog is open at a
// time: a second request while one is open is ignored.
func (s *studio) pick(chooseNatively func() (string, error), fallback func(finish func(string, error)), done func(path string)) {
	if !s.choosing.CompareAndSwap(false, true) {
		return
	}
	finish := func(path string, err error) {
		s.choosing.Store(false)
		if err != nil {
			dialog.ShowError(err, s.win)
			path = ""
		}
		done(path)
	}
	go func() {
		path, err := chooseNatively()
		switch {
		case errors.Is(err, native.ErrCancelled):
			view.Do(func() { finish("", nil) })
		case err != nil:
			fyne.LogError("native file dialog unavailable, using Fyne's", err)
			view.Do(func() { fallback(finish) })
		default:
			view.Do(func() { finish(path, nil) })
		}
	}()
}

// fyneFileDialog is the fallback file chooser, drawn inside the window;
// a save dialog suggests name.
func (s *studio) fyneFileDialog(exts []string, save bool, name string, finish func(string, error)) {
	var d interface {
		SetFilter(storage.FileFilter)
		Resize(fyne.Size)
		Show()
	}
	if save {
		sd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if w == nil || err != nil {
				finish("", err)
				return
			}
			w.Close()
			finish(w.URI().Path(), nil)
		}, s.win)
		sd.SetFileName(name)
		d = sd
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

// fyneFolderDialog is the fallback folder chooser.
func (s *studio) fyneFolderDialog(finish func(string, error)) {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if dir == nil || err != nil {
			finish("", err)
			return
		}
		finish(dir.Path(), nil)
	}, s.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// chooseFileNatively shows the desktop's own file dialog.
func chooseFileNatively(title string, exts []string) (path string, err error) {
	defer nativePanic(&err)
	// One dialog's GTK calls must all come from the same thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return fileBuilder(title, exts).Load()
}

// saveFileNatively shows the desktop's own save dialog, suggesting name.
func saveFileNatively(title string, exts []string, name string) (path string, err error) {
	defer nativePanic(&err)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return fileBuilder(title, exts).SetStartFile(name).Save()
}

// fileBuilder is a native file dialog offering files with the extensions.
func fileBuilder(title string, exts []string) *native.FileBuilder {
	return native.File().Title(title).Filter(strings.ToUpper(strings.Join(exts, ", "))+" files", exts...)
}

// chooseFolderNatively shows the desktop's own folder dialog.
func chooseFolderNatively(title string) (path string, err error) {
	defer nativePanic(&err)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return native.Directory().Title(title).Browse()
}

// nativePanic turns a panic of sqweek/dialog (it panics when GTK could not
// start: no display, no GTK) into an error: a reason to fall back, not to
// crash. Defer it.
func nativePanic(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("app: native file dialog: %v", r)
	}
}
