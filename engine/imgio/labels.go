package imgio

import (
	"fmt"
	"image"

	"gorgonia.org/tensor"
)

// LoadLabels reads a segmentation label map: a grayscale PNG whose pixel
// values are labels, or a paletted PNG whose palette indices are. Lossy
// formats are refused, since compression would invent labels.
func LoadLabels(path string) (labels []int, w, h int, err error) {
	img, format, err := decode(path)
	if err != nil {
		return nil, 0, 0, err
	}
	if format != "png" {
		return nil, 0, 0, fmt.Errorf("imgio: %s: a label map must be a PNG, not %s", path, format)
	}
	var at func(x, y int) int
	switch m := img.(type) {
	case *image.Gray:
		at = func(x, y int) int { return int(m.GrayAt(x, y).Y) }
	case *image.Gray16:
		at = func(x, y int) int { return int(m.Gray16At(x, y).Y) }
	case *image.Paletted:
		at = func(x, y int) int { return int(m.ColorIndexAt(x, y)) }
	default:
		return nil, 0, 0, fmt.Errorf("imgio: %s: a label map must be a grayscale or paletted PNG, this one decodes as %T", path, img)
	}
	b := img.Bounds()
	w, h = b.Dx(), b.Dy()
	labels = make([]int, 0, w*h)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			labels = append(labels, at(x, y))
		}
	}
	return labels, w, h, nil
}

// OneHot encodes a w×h label map as a [1,nLabels,H,W] float32 tensor with
// a 1 in the channel of each pixel's label.
func OneHot(labels []int, w, h, nLabels int) (*tensor.Dense, error) {
	t, err := oneHot(labels, w, h, nLabels, image.Point{})
	if err != nil {
		return nil, fmt.Errorf("imgio: %v", err)
	}
	return t, nil
}

// oneHot reports pixel positions shifted by off, the crop's corner in the
// file.
func oneHot(labels []int, w, h, nLabels int, off image.Point) (*tensor.Dense, error) {
	if w <= 0 || h <= 0 || len(labels)%w != 0 || len(labels)/w != h {
		return nil, fmt.Errorf("%d labels for a %dx%d map", len(labels), w, h)
	}
	if nLabels < 1 {
		return nil, fmt.Errorf("the number of labels must be positive, got %d", nLabels)
	}
	plane := w * h
	data := make([]float32, nLabels*plane)
	for i, l := range labels {
		if l < 0 || l >= nLabels {
			return nil, fmt.Errorf("label %d at pixel (%d,%d) is outside the model's 0..%d", l, off.X+i%w, off.Y+i/w, nLabels-1)
		}
		data[l*plane+i] = 1
	}
	return tensor.New(tensor.WithShape(1, nLabels, h, w), tensor.WithBacking(data)), nil
}

// LoadOneHot reads a label map, centre-crops it to multiples of multiple as
// Load does for images, and one-hot encodes it for a model of nLabels
// classes.
func LoadOneHot(path string, nLabels, multiple int) (*tensor.Dense, []string, error) {
	labels, w, h, err := LoadLabels(path)
	if err != nil {
		return nil, nil, err
	}
	r, note, err := fit(image.Rect(0, 0, w, h), multiple)
	if err != nil {
		return nil, nil, fmt.Errorf("imgio: %s: %v", path, err)
	}
	var notes []string
	if note != "" {
		notes = append(notes, note)
		cropped := make([]int, 0, r.Dx()*r.Dy())
		for y := r.Min.Y; y < r.Max.Y; y++ {
			cropped = append(cropped, labels[y*w+r.Min.X:y*w+r.Max.X]...)
		}
		labels, w, h = cropped, r.Dx(), r.Dy()
	}
	t, err := oneHot(labels, w, h, nLabels, r.Min)
	if err != nil {
		return nil, nil, fmt.Errorf("imgio: %s: %v", path, err)
	}
	return t, notes, nil
}
