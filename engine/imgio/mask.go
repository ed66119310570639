package imgio

import (
	"fmt"

	"tessera/engine/tokens"
)

// LoadMask reads a mask image for a w×h token grid: any pixel that is not
// black marks its token. The image is either token-sized (w×h) or pixel-sized
// (w*factor × h*factor), where a token is marked if any of its pixels is.
func LoadMask(path string, w, h, factor int) (tokens.Mask, error) {
	img, _, err := decode(path)
	if err != nil {
		return tokens.Mask{}, err
	}
	b := img.Bounds()
	scale := 0
	switch {
	case b.Dx() == w && b.Dy() == h:
		scale = 1
	case b.Dx() == w*factor && b.Dy() == h*factor:
		scale = factor
	default:
		return tokens.Mask{}, fmt.Errorf("imgio: %s: a %dx%d mask fits neither the %dx%d token grid nor its %dx%d pixels",
			path, b.Dx(), b.Dy(), w, h, w*factor, h*factor)
	}
	m := tokens.NewMask(w, h)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			if r|g|bl != 0 {
				m.Set(x/scale, y/scale, true)
			}
		}
	}
	if m.Count() == 0 {
		return tokens.Mask{}, fmt.Errorf("imgio: %s: the mask selects no tokens: every pixel is black (non-black pixels mark the tokens to resample)", path)
	}
	return m, nil
}
