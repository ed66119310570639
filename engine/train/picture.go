package train

import (
	"image"
	"image/color"
	"image/draw"

	"gorgonia.org/tensor"

	"tessera/engine/imgio"
	"tessera/engine/nn"
)

// pictureGap is the spacing between tiles of a progress picture.
const pictureGap = 2

// pairGrid lays out each item of a batch as a row: the input beside the
// model's reconstruction, both [B, 3, H, W] in [-1, 1].
func pairGrid(inputs, outputs *tensor.Dense) (image.Image, error) {
	a, err := imgio.FromTensor(inputs)
	if err != nil {
		return nil, err
	}
	b, err := imgio.FromTensor(outputs)
	if err != nil {
		return nil, err
	}
	rows := make([][]image.Image, len(a))
	for i := range a {
		rows[i] = []image.Image{a[i], b[i]}
	}
	return tileGrid(rows), nil
}

// tileGrid draws rows of equal-sized tiles on a dark background.
func tileGrid(rows [][]image.Image) image.Image {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	}
	tile := rows[0][0].Bounds().Size()
	cols := len(rows[0])
	w := cols*tile.X + (cols+1)*pictureGap
	h := len(rows)*tile.Y + (len(rows)+1)*pictureGap
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.NRGBA{24, 24, 24, 255}), image.Point{}, draw.Src)
	for r, row := range rows {
		for c, img := range row {
			at := image.Pt(pictureGap+c*(tile.X+pictureGap), pictureGap+r*(tile.Y+pictureGap))
			draw.Draw(out, image.Rectangle{Min: at, Max: at.Add(tile)}, img, img.Bounds().Min, draw.Src)
		}
	}
	return out
}

// labelPicture colours a label map ([H*W] labels) with a fixed palette.
func labelPicture(labels []int, w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i, l := range labels {
		c := labelColour(l)
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = c.R, c.G, c.B, 255
	}
	return img
}

// labelColour spreads label hues around the colour wheel by the golden
// angle, so neighbouring labels differ clearly.
func labelColour(l int) color.NRGBA {
	hue := float64(l) * 137.508
	hue -= 360 * float64(int(hue/360))
	x := 1 - abs(mod2(hue/60)-1)
	var r, g, b float64
	switch int(hue / 60) {
	case 0:
		r, g = 1, x
	case 1:
		r, g = x, 1
	case 2:
		g, b = 1, x
	case 3:
		g, b = x, 1
	case 4:
		r, b = x, 1
	default:
		r, b = 1, x
	}
	return color.NRGBA{uint8(40 + 200*r), uint8(40 + 200*g), uint8(40 + 200*b), 255}
}

func mod2(v float64) float64 { return v - 2*float64(int(v/2)) }

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// argmaxLabels turns [B, L, H, W] logits into per-pixel labels for item i.
func argmaxLabels(logits *tensor.Dense, i int) ([]int, int, int) {
	_, l, h, w := nn.Dims4(logits)
	d := nn.Data(logits)[i*l*h*w : (i+1)*l*h*w]
	out := make([]int, h*w)
	for p := range out {
		best := 0
		for c := 1; c < l; c++ {
			if d[c*h*w+p] > d[best*h*w+p] {
				best = c
			}
		}
		out[p] = best
	}
	return out, w, h
}
