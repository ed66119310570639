package imgio

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg" // registers the JPEG decoder
	_ "image/png"  // registers the PNG decoder
	"io"

	"tessera/engine/infile"
)

// maxPixels bounds what decode accepts: a header can claim gigapixels that a
// decoder would then try to allocate.
const maxPixels = 1 << 28

// decode reads an image file, returning its format name.
// Only a regular file is opened: a FIFO would block, a device read
// without end.
func decode(path string) (image.Image, string, error) {
	f, _, err := infile.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("imgio: %v", err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(bufio.NewReader(f))
	if err == nil && cfg.Width*cfg.Height > maxPixels {
		return nil, "", fmt.Errorf("imgio: %s: %dx%d is larger than the %d-megapixel limit", path, cfg.Width, cfg.Height, maxPixels>>20)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	var img image.Image
	var format string
	if err == nil {
		img, format, err = image.Decode(bufio.NewReader(f))
	}
	if errors.Is(err, image.ErrFormat) {
		return nil, "", fmt.Errorf("imgio: %s: not a PNG or JPEG image", path)
	}
	if err != nil {
		return nil, "", fmt.Errorf("imgio: %s: %v", path, err)
	}
	return img, format, nil
}

// Size reads an image file's size from its header, without decoding it.
func Size(path string) (w, h int, err error) {
	f, _, err := infile.Open(path)
	if err != nil {
		return 0, 0, fmt.Errorf("imgio: %v", err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(bufio.NewReader(f))
	if errors.Is(err, image.ErrFormat) {
		return 0, 0, fmt.Errorf("imgio: %s: not a PNG or JPEG image", path)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("imgio: %s: %v", path, err)
	}
	return cfg.Width, cfg.Height, nil
}

// Load reads a PNG or JPEG file as 8-bit RGB (alpha 255 everywhere), centre-
// cropped so both sides are multiples of multiple, the model's downsampling
// factor. The notes say what was changed, for the UI to show.
func Load(path string, multiple int) (*image.NRGBA, []string, error) {
	img, _, err := decode(path)
	if err != nil {
		return nil, nil, err
	}
	out, notes, err := prepare(img, multiple)
	if err != nil {
		return nil, nil, fmt.Errorf("imgio: %s: %v", path, err)
	}
	return out, notes, nil
}

// Prepare is Load for an image already in memory (pasted or dropped).
func Prepare(img image.Image, multiple int) (*image.NRGBA, []string, error) {
	out, notes, err := prepare(img, multiple)
	if err != nil {
		return nil, nil, fmt.Errorf("imgio: %v", err)
	}
	return out, notes, nil
}

// fit returns the largest centred rectangle of b whose sides are multiples
// of multiple, and a note when that crops anything.
func fit(b image.Rectangle, multiple int) (image.Rectangle, string, error) {
	w, h := b.Dx(), b.Dy()
	if multiple < 1 {
		return image.Rectangle{}, "", fmt.Errorf("the size multiple must be positive, got %d", multiple)
	}
	if w < multiple || h < multiple {
		return image.Rectangle{}, "", fmt.Errorf("the image is %dx%d, smaller than the %dx%d minimum (the model's downsampling factor)", w, h, multiple, multiple)
	}
	cw, ch := w-w%multiple, h-h%multiple
	at := b.Min.Add(image.Pt((w-cw)/2, (h-ch)/2))
	r := image.Rectangle{Min: at, Max: at.Add(image.Pt(cw, ch))}
	if r == b {
		return r, "", nil
	}
	return r, fmt.Sprintf("centre-cropped %dx%d to %dx%d (multiple of %d)", w, h, cw, ch, multiple), nil
}

func prepare(img image.Image, multiple int) (*image.NRGBA, []string, error) {
	r, note, err := fit(img.Bounds(), multiple)
	if err != nil {
		return nil, nil, err
	}
	var notes []string
	if note != "" {
		notes = append(notes, note)
	}
	dst := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		// Premultiplied and straight colour agree where alpha is full, so
		// draw's fast paths (YCbCr, gray, paletted) into RGBA give the
		// NRGBA bytes too.
		rgba := &image.RGBA{Pix: dst.Pix, Stride: dst.Stride, Rect: dst.Rect}
		draw.Draw(rgba, rgba.Rect, img, r.Min, draw.Src)
		return dst, notes, nil
	}
	translucent := false
	for y := range r.Dy() {
		for x := range r.Dx() {
			c, a := straight(img.At(r.Min.X+x, r.Min.Y+y))
			translucent = translucent || !a
			dst.SetNRGBA(x, y, c)
		}
	}
	if translucent {
		notes = append(notes, "alpha channel dropped")
	}
	return dst, notes, nil
}

// straight returns c's non-premultiplied colour with full alpha, and whether
// c was opaque. Straight-alpha colours are read directly: going through
// premultiplied RGBA() would lose the colour of nearly transparent pixels.
func straight(c color.Color) (color.NRGBA, bool) {
	var n color.NRGBA
	switch c := c.(type) {
	case color.NRGBA:
		n = c
	case color.NRGBA64:
		n = color.NRGBA{R: uint8(c.R >> 8), G: uint8(c.G >> 8), B: uint8(c.B >> 8)}
	default:
		n = color.NRGBAModel.Convert(c).(color.NRGBA)
	}
	n.A = 0xff
	_, _, _, a := c.RGBA()
	return n, a == 0xffff
}
