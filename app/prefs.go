package app

import "fyne.io/fyne/v2"

// The window's size is kept between runs under these preference keys.
const (
	prefWindowWidth  = "window.width"
	prefWindowHeight = "window.height"
)

// defaultWindowSize is the studio's size when it first opens.
var defaultWindowSize = fyne.NewSize(1100, 720)

// savedWindowSize is the size the window had when it last closed.
func savedWindowSize(p fyne.Preferences) fyne.Size {
	w := p.FloatWithFallback(prefWindowWidth, float64(defaultWindowSize.Width))
	h := p.FloatWithFallback(prefWindowHeight, float64(defaultWindowSize.Height))
	// A size too small to use (a broken preferences file) is not restored.
	return fyne.NewSize(float32(w), float32(h)).Max(fyne.NewSize(640, 480))
}

func (s *studio) saveWindowSize() {
	size := s.win.Canvas().Size()
	p := s.fyne.Preferences()
	p.SetFloat(prefWindowWidth, float64(size.Width))
	p.SetFloat(prefWindowHeight, float64(size.Height))
}
