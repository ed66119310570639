package view

import (
	"sync"

	"fyne.io/fyne/v2"
)

// uiMu serialises the UI updates made through Do with Sync.
var uiMu sync.Mutex

// Do applies f on the UI goroutine, as fyne.Do does; background goroutines
// use it to apply job results. Never call it from the UI goroutine itself
// (a Do'd function or a widget callback): there, just do the work.
func Do(f func()) { fyne.Do(func() { Sync(f) }) }

// Sync runs f while no Do'd function runs. Fyne's test driver runs fyne.Do
// inline on the calling goroutine, so tests (of every view and of package
// app) read and drive widgets inside Sync to stay race-free; the real
// driver runs all of them on its one UI goroutine, where the lock is never
// contended.
func Sync(f func()) {
	uiMu.Lock()
	defer uiMu.Unlock()
	f()
}
