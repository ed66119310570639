package imgio

import (
	"fmt"
	"image"
	"math"

	"gorgonia.org/tensor"
)

// ToTensor converts img to a [1,3,H,W] float32 tensor with values in
// [-1, 1] (v/127.5 - 1), the VQGAN's input range. Alpha is ignored.
func ToTensor(img *image.NRGBA) *tensor.Dense {
	b := img.Bounds()
	data := make([]float32, 3*b.Dx()*b.Dy())
	fill(data, img)
	return tensor.New(tensor.WithShape(1, 3, b.Dy(), b.Dx()), tensor.WithBacking(data))
}

// BatchTensor stacks images of one size into an [N,3,H,W] tensor.
func BatchTensor(imgs []*image.NRGBA) (*tensor.Dense, error) {
	if len(imgs) == 0 {
		return nil, fmt.Errorf("imgio: an empty batch")
	}
	size := imgs[0].Bounds().Size()
	for i, img := range imgs {
		if s := img.Bounds().Size(); s != size {
			return nil, fmt.Errorf("imgio: batch image %d is %dx%d but image 0 is %dx%d", i, s.X, s.Y, size.X, size.Y)
		}
	}
	n := 3 * size.X * size.Y
	data := make([]float32, len(imgs)*n)
	for i, img := range imgs {
		fill(data[i*n:(i+1)*n], img)
	}
	return tensor.New(tensor.WithShape(len(imgs), 3, size.Y, size.X), tensor.WithBacking(data)), nil
}

// fill writes img's channel planes into data (3*W*H values).
func fill(data []float32, img *image.NRGBA) {
	b := img.Bounds()
	plane := b.Dx() * b.Dy()
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):]
		for x := range b.Dx() {
			for c := range 3 {
				data[c*plane+i] = float32(row[4*x+c])/127.5 - 1
			}
			i++
		}
	}
}

// FromTensor converts an [N,3,H,W] float32 tensor back to N opaque images:
// round((clamp(x, -1, 1) + 1) * 127.5). NaN, the sign of a diverged network,
// becomes 0.
func FromTensor(t *tensor.Dense) ([]*image.NRGBA, error) {
	s := t.Shape()
	if t.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("imgio: want a float32 tensor, got %v", t.Dtype())
	}
	if len(s) != 4 || s[1] != 3 {
		return nil, fmt.Errorf("imgio: want an [N,3,H,W] tensor, got shape %v", s)
	}
	if t.IsMaterializable() { // a view or transpose: Data would be raw storage
		t = t.Materialize().(*tensor.Dense)
	}
	n, h, w := s[0], s[2], s[3]
	data := t.Data().([]float32)
	plane := w * h
	imgs := make([]*image.NRGBA, n)
	for k := range imgs {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		src := data[k*3*plane : (k+1)*3*plane]
		for i := range plane {
			for c := range 3 {
				img.Pix[4*i+c] = toByte(src[c*plane+i])
			}
			img.Pix[4*i+3] = 0xff
		}
		imgs[k] = img
	}
	return imgs, nil
}

func toByte(x float32) uint8 {
	v := float64(x)
	switch {
	case !(v >= -1): // also NaN
		v = -1
	case v > 1:
		v = 1
	}
	return uint8(math.Round((v + 1) * 127.5))
}
