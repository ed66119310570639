package codebook

import (
	"testing"

	"fyne.io/fyne/v2"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestAtlasColumnsFollowTheWidth(t *testing.T) {
	_, cv, _, w := openCodebook(t)
	seen := map[int]bool{}
	for _, width := range []float32{1400, 640, 1100} {
		view.Sync(func() { w.Resize(fyne.NewSize(width, 720)) })
		// The atlas is redrawn off the UI goroutine: wait for the one that
		// fits, then check it leaves no sideways scroll.
		var cols int
		uitest.WaitFor(t, func() bool {
			cols = min(int(cv.atlas.Size().Width)/36, 64)
			return cv.atlas.layout.Cols == cols && cv.atlas.image.Image.Bounds().Dx() == cols*36
		})
		view.Sync(func() {
			if img := cv.atlas.image.Image.Bounds().Dx(); float32(img) > cv.atlas.Size().Width {
				t.Errorf("at %v the atlas is %d wide in %v", width, img, cv.atlas.Size().Width)
			}
		})
		seen[cols] = true
	}
	if len(seen) != 3 {
		t.Errorf("three window widths gave the columns %v", seen)
	}
}
