package data

import (
	"errors"
	"fmt"
	"image"
	"strings"

	xdraw "golang.org/x/image/draw"

	"tessera/engine/imgio"
)

// Crop says how an item becomes a training example.
type Crop struct {
	// Size is the side of the square crop. An image whose shorter side is
	// below it is first scaled up so that side is Size (Catmull-Rom for
	// images, nearest neighbour for label maps); larger images are not
	// scaled.
	Size int
	// Augment takes a random crop and flips it horizontally with
	// probability 1/2; without it the crop is centred and never flipped.
	Augment bool
	// Labels, when positive, is the model's label count: a label map
	// holding a value >= Labels is an error.
	Labels int
}

// Example is one loaded item.
type Example struct {
	// Image is 3*Size*Size values, CHW RGB in [-1, 1] (pixel/127.5 - 1);
	// nil for a labels-only set.
	Image []float32
	// Labels is the Size*Size label map, row-major; nil without label maps.
	Labels []uint8
	// Class is the item's class id, -1 without classes.
	Class int
	// Item is the example's index in the set's Items.
	Item int
}

// Load reads item i as a crop. The crop's offset and flip depend only on
// (seed, batch, pos): the global batch index and the position in it. Load
// only reads the Set, so batches may be loaded concurrently.
func (s *Set) Load(i int, c Crop, seed int64, batch, pos int) (*Example, error) {
	if i < 0 || i >= len(s.Items) {
		return nil, fmt.Errorf("data: item %d is outside the %d items of %s", i, len(s.Items), s.Dir)
	}
	if c.Size < 1 {
		return nil, fmt.Errorf("data: the crop size must be positive, got %d", c.Size)
	}
	if c.Labels < 0 {
		return nil, fmt.Errorf("data: the label count must not be negative, got %d", c.Labels)
	}
	it := s.Items[i]
	var (
		img  *image.NRGBA
		lab  []uint8
		w, h int
	)
	if !s.LabelsOnly {
		var err error
		if img, _, err = imgio.Load(it.Path, 1); err != nil {
			return nil, fromImgio(err)
		}
		w, h = img.Rect.Dx(), img.Rect.Dy()
	}
	if it.LabelPath != "" {
		var lw, lh int
		var err error
		if lab, lw, lh, err = readLabels(it.LabelPath, c.Labels); err != nil {
			return nil, err
		}
		if img != nil {
			if err := sameSize(it.Path, w, h, it.LabelPath, lw, lh); err != nil {
				return nil, err
			}
		}
		w, h = lw, lh
	}
	p := place(w, h, c, seed, batch, pos)
	ex := &Example{Class: it.Class, Item: i}
	if img != nil {
		pix, stride := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y):], img.Stride
		if p.w != w || p.h != h {
			dst := image.NewRGBA(image.Rect(0, 0, p.w, p.h))
			// The image is opaque, so premultiplied RGBA holds its bytes.
			xdraw.CatmullRom.Scale(dst, dst.Rect, img, img.Rect, xdraw.Src, nil)
			pix, stride = dst.Pix, dst.Stride
		}
		ex.Image = cropImage(pix, stride, p, c.Size)
	}
	if lab != nil {
		if p.w != w || p.h != h {
			lab = scaleLabels(lab, w, h, p.w, p.h)
		}
		ex.Labels = cropLabels(lab, p, c.Size)
	}
	return ex, nil
}

// placement is where a crop lies: in the image scaled to w x h, at corner
// (x, y), mirrored when flip.
type placement struct {
	w, h, x, y int
	flip       bool
}

func place(w, h int, c Crop, seed int64, batch, pos int) placement {
	sw, sh := scaledSize(w, h, c.Size)
	p := placement{w: sw, h: sh, x: (sw - c.Size) / 2, y: (sh - c.Size) / 2}
	if c.Augment {
		r := newStream(streamCrop, uint64(seed), uint64(batch), uint64(pos))
		p.x = r.below(sw - c.Size + 1)
		p.y = r.below(sh - c.Size + 1)
		p.flip = r.below(2) == 1
	}
	return p
}

// scaledSize scales w x h up so the shorter side is size, rounding the
// longer side to the nearest pixel; a shorter side of size or more stays.
func scaledSize(w, h, size int) (int, int) {
	short := min(w, h)
	if short >= size {
		return w, h
	}
	round := func(long int) int { return (2*long*size + short) / (2 * short) }
	if w <= h {
		return size, round(h)
	}
	return round(w), size
}

// cropImage reads the crop from 4-byte pixels into CHW planes.
func cropImage(pix []uint8, stride int, p placement, size int) []float32 {
	plane := size * size
	out := make([]float32, 3*plane)
	for y := range size {
		row := pix[(p.y+y)*stride:]
		for x := range size {
			sx := p.x + x
			if p.flip {
				sx = p.x + size - 1 - x
			}
			for c := range 3 {
				out[c*plane+y*size+x] = float32(row[4*sx+c])/127.5 - 1
			}
		}
	}
	return out
}

func cropLabels(lab []uint8, p placement, size int) []uint8 {
	out := make([]uint8, size*size)
	for y := range size {
		row := lab[(p.y+y)*p.w:]
		for x := range size {
			sx := p.x + x
			if p.flip {
				sx = p.x + size - 1 - x
			}
			out[y*size+x] = row[sx]
		}
	}
	return out
}

// scaleLabels resizes a w x h map to sw x sh by nearest neighbour, sampling
// at pixel centres as the image's resampling does, so the two stay aligned.
func scaleLabels(lab []uint8, w, h, sw, sh int) []uint8 {
	out := make([]uint8, sw*sh)
	for y := range sh {
		src := lab[(2*y+1)*h/(2*sh)*w:]
		for x := range sw {
			out[y*sw+x] = src[(2*x+1)*w/(2*sw)]
		}
	}
	return out
}

// readLabels reads an 8-bit label map, checking its values against count
// when count is positive.
func readLabels(path string, count int) ([]uint8, int, int, error) {
	vals, w, h, err := imgio.LoadLabels(path)
	if err != nil {
		return nil, 0, 0, fromImgio(err)
	}
	out := make([]uint8, len(vals))
	for i, v := range vals {
		if count > 0 && v >= count {
			return nil, 0, 0, fmt.Errorf("data: %s: label %d at pixel (%d, %d) is not below the label count %d", path, v, i%w, i/w, count)
		}
		if v > 255 {
			return nil, 0, 0, fmt.Errorf("data: %s: label %d at pixel (%d, %d) does not fit in 8 bits", path, v, i%w, i/w)
		}
		out[i] = uint8(v)
	}
	return out, w, h, nil
}

// fromImgio gives imgio's message (which names the file) this package's
// prefix.
func fromImgio(err error) error {
	return errors.New("data: " + strings.TrimPrefix(err.Error(), "imgio: "))
}

// OneHot encodes a label map as n planes (n, H, W), taming's segmentation
// input: plane l is 1 where the label is l and 0 elsewhere.
func OneHot(labels []uint8, n int) ([]float32, error) {
	if n < 1 {
		return nil, fmt.Errorf("data: the label count must be positive, got %d", n)
	}
	plane := len(labels)
	out := make([]float32, n*plane)
	for i, l := range labels {
		if int(l) >= n {
			return nil, fmt.Errorf("data: label %d at position %d is not below the label count %d", l, i, n)
		}
		out[int(l)*plane+i] = 1
	}
	return out, nil
}
