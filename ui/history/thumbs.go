package history

import (
	"image"
	"image/draw"

	"tessera/engine/imgio"
	"tessera/ui/view"
)

// thumbSize is a thumbnail's longer side in pixels.
const thumbSize = 96

// loaders is how many PNGs are decoded at once: a folder of hundreds
// should not take every core from the worker.
const loaders = 2

// thumbs decodes thumbnails in the background the first time a row asks
// for one, and keeps them. Its maps are touched on the UI goroutine only.
type thumbs struct {
	done map[string]image.Image // nil for a file that would not decode
	// pending are the files being decoded, with who waits for each.
	pending map[string][]func(image.Image)
	slots   chan struct{}
}

func newThumbs() *thumbs {
	return &thumbs{done: map[string]image.Image{}, pending: map[string][]func(image.Image){}, slots: make(chan struct{}, loaders)}
}

// get returns path's thumbnail, or nil when the file has none or while it
// loads; then deliver gets it, on the UI goroutine, once it has loaded.
// (A tree makes and fills many rows for one file, so each row that asked
// is told rather than one the browser remembers.)
func (t *thumbs) get(path string, deliver func(image.Image)) image.Image {
	if img, ok := t.done[path]; ok {
		return img
	}
	waiting, loading := t.pending[path]
	t.pending[path] = append(waiting, deliver)
	if loading {
		return nil
	}
	go func() {
		t.slots <- struct{}{}
		img, err := imgio.Decode(path)
		<-t.slots
		var small image.Image
		if err == nil {
			small = shrink(img, thumbSize)
		}
		view.Do(func() {
			t.done[path] = small
			for _, deliver := range t.pending[path] {
				deliver(small)
			}
			delete(t.pending, path)
		})
	}()
	return nil
}

// shrink scales img down by sampling so its longer side is at most n
// pixels (token images are blocky: sampling keeps them sharp).
func shrink(img image.Image, n int) image.Image {
	b := img.Bounds()
	scale := max(b.Dx(), b.Dy())
	if scale <= n {
		out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
		return out
	}
	w, h := max(b.Dx()*n/scale, 1), max(b.Dy()*n/scale, 1)
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			out.Set(x, y, img.At(b.Min.X+x*b.Dx()/w, b.Min.Y+y*b.Dy()/h))
		}
	}
	return out
}
