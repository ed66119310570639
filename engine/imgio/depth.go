package imgio

import (
	"encoding/binary"
	"fmt"
	"image"
	"math"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// Decode reads a PNG or JPEG file as stored: unlike Load it keeps the alpha
// channel and the bit depth, which a depth map needs.
func Decode(path string) (image.Image, error) {
	img, _, err := decode(path)
	return img, err
}

// DepthTensor turns a depth map into the (1,1,h,w) input of a one-channel
// cond stage: centre-cropped to multiples of multiple, then min-max
// normalised per image to [-1, 1] as taming's depth data is.
//
// An 8-bit RGBA image that is not fully opaque is read the way taming's
// D-RIN data stores depth: each pixel's four bytes are one little-endian
// float32. Any other image is a grey-scale depth map read at full precision
// (16-bit PNGs keep their 16 bits); colour is reduced to its luminance.
func DepthTensor(img image.Image, multiple int) (*tensor.Dense, []string, error) {
	r, note, err := fit(img.Bounds(), multiple)
	if err != nil {
		return nil, nil, fmt.Errorf("imgio: %v", err)
	}
	var notes []string
	if note != "" {
		notes = append(notes, note)
	}
	out := nn.New(1, 1, r.Dy(), r.Dx())
	o := nn.Data(out)
	if n, ok := img.(*image.NRGBA); ok && !n.Opaque() {
		if err := packedDepth(o, n, r); err != nil {
			return nil, nil, err
		}
		notes = append(notes, "RGBA pixels read as float32 depth values (taming's depth format)")
	} else {
		for y := range r.Dy() {
			for x := range r.Dx() {
				cr, cg, cb, _ := img.At(r.Min.X+x, r.Min.Y+y).RGBA()
				o[y*r.Dx()+x] = float32(0.299*float64(cr) + 0.587*float64(cg) + 0.114*float64(cb))
			}
		}
		notes = append(notes, "image read as a grey-scale depth map")
	}
	normalise(o)
	return out, notes, nil
}

// packedDepth decodes the float32 stored in each pixel's R, G, B, A bytes.
func packedDepth(dst []float32, img *image.NRGBA, r image.Rectangle) error {
	for y := range r.Dy() {
		row := img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):]
		for x := range r.Dx() {
			v := math.Float32frombits(binary.LittleEndian.Uint32(row[4*x:]))
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("imgio: depth pixel (%d, %d) holds %v, not a finite depth", r.Min.X+x, r.Min.Y+y, v)
			}
			dst[y*r.Dx()+x] = v
		}
	}
	return nil
}

// normalise maps v's range onto [-1, 1] in place, in float64 so the result
// does not depend on the order of the values; a flat map becomes -1, as
// taming's (d-min)/max(1e-8, max-min) makes it.
func normalise(v []float32) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = math.Min(lo, float64(x)), math.Max(hi, float64(x))
	}
	span := math.Max(hi-lo, 1e-8)
	for i, x := range v {
		v[i] = float32((float64(x)-lo)/span*2 - 1)
	}
}

// DepthPreview draws a (1,1,h,w) map in [-1, 1], as DepthTensor returns it,
// as a grey image: far (high) is light.
func DepthPreview(t *tensor.Dense) *image.Gray {
	_, _, h, w := nn.Dims4(t)
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i, v := range nn.Data(t)[:w*h] {
		img.Pix[i] = toByte(v)
	}
	return img
}
