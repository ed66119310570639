package view

import (
	"crypto/sha256"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"tessera/engine/imgio"
)

// SaveDelay is how long a MapStore waits after the last change before it
// writes the map: a stroke changes it many times a second.
var SaveDelay = 500 * time.Millisecond

// MapStore keeps one label map per model as a 16-bit grey PNG (pixel value
// = label) in a folder.
type MapStore struct {
	Dir string

	mu      sync.Mutex
	pending *time.Timer
	saved   chan struct{} // closed once the pending write is done; tests wait on it
}

func NewMapStore(dir string) *MapStore { return &MapStore{Dir: dir} }

// Path is the file that keeps model's map: the model's base name, for
// people, and a hash of its full path, so that two models of one name in
// different folders keep apart.
func (st *MapStore) Path(model string) string {
	base := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '_'
		}
		return r
	}, filepath.Base(model))
	sum := sha256.Sum256([]byte(model))
	return filepath.Join(st.Dir, fmt.Sprintf("%s-%x.png", base, sum[:4]))
}

// Load reads model's saved map.
func (st *MapStore) Load(model string) (labels []int, w, h int, err error) {
	return imgio.LoadLabels(st.Path(model))
}

// Save writes model's map SaveDelay after the last call; a later call
// replaces a write not made yet. labels must not change afterwards.
func (st *MapStore) Save(model string, labels []int, w, h int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.pending != nil && st.pending.Stop() {
		close(st.saved) // replaced: nothing to wait for
	}
	done := make(chan struct{})
	st.saved = done
	st.pending = time.AfterFunc(SaveDelay, func() {
		defer close(done)
		if err := writeLabels(st.Path(model), labels, w, h); err != nil {
			fyne.LogError("", err)
		}
	})
}

// Saved is closed once the write Save scheduled last is done (or
// replaced); nil before any Save.
func (st *MapStore) Saved() <-chan struct{} {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.saved
}

// writeLabels writes a label map as a grey PNG, through a temporary file
// so that a crash never leaves half a map.
func writeLabels(path string, labels []int, w, h int) error {
	img := image.NewGray16(image.Rect(0, 0, w, h))
	for i, l := range labels {
		img.Pix[2*i], img.Pix[2*i+1] = uint8(l>>8), uint8(l)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("view: saving the label map: %w", err)
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("view: saving the label map: %w", err)
	}
	err = png.Encode(f, img)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("view: saving the label map %s: %w", path, err)
	}
	return nil
}
