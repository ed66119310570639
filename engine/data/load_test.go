package data

import (
	"image"
	"image/color"
	"path/filepath"
	"slices"
	"testing"

	"tessera/engine/imgio"
)

// pixel is the value Load gives an 8-bit channel.
func pixel(v uint8) float32 { return float32(v)/127.5 - 1 }

func TestLoadPassesASizeExactImageUnchanged(t *testing.T) {
	imgs, labs := t.TempDir(), t.TempDir()
	src := noise(8, 8)
	write(t, imgs, "a.png", src)
	write(t, labs, "a.png", labelMap(8, 8, func(x, y int) int { return y*8 + x }))
	jpg := write(t, imgs, "b.jpg", noise(8, 8))
	write(t, labs, "b.png", labelMap(8, 8, func(x, y int) int { return 0 }))
	s := scan(t, imgs, ScanOptions{LabelDir: labs})

	mirrored := func(i int) int { return i/8*8 + 7 - i%8 }
	check := func(ex *Example, at func(int) int) bool {
		for i := range 64 {
			for c := range 3 {
				if ex.Image[c*64+i] != pixel(src.Pix[4*at(i)+c]) {
					return false
				}
			}
			if int(ex.Labels[i]) != at(i) {
				return false
			}
		}
		return true
	}
	if ex := load(t, s, 0, Crop{Size: 8}, 3, 0, 0); len(ex.Image) != 192 || !check(ex, func(i int) int { return i }) {
		t.Fatalf("an 8x8 image loaded at size 8 changed")
	}
	// Augmented, it is the image itself or its exact mirror.
	var plain, flipped int
	for k := range 16 {
		ex := load(t, s, 0, Crop{Size: 8, Augment: true}, 3, k, 1)
		switch {
		case check(ex, func(i int) int { return i }):
			plain++
		case check(ex, mirrored):
			flipped++
		default:
			t.Fatalf("batch %d: an augmented 8x8 image is neither itself nor its mirror", k)
		}
	}
	if plain == 0 || flipped == 0 {
		t.Errorf("16 augmented loads: %d plain, %d flipped", plain, flipped)
	}

	// A JPEG is its decoded pixels, with no resampling either.
	want, _, err := imgio.Load(jpg, 1)
	if err != nil {
		t.Fatal(err)
	}
	ex := load(t, s, 1, Crop{Size: 8}, 0, 0, 0)
	for i := range 64 {
		for c := range 3 {
			if ex.Image[c*64+i] != pixel(want.Pix[4*i+c]) {
				t.Fatalf("JPEG pixel %d channel %d: %v, want %v", i, c, ex.Image[c*64+i], pixel(want.Pix[4*i+c]))
			}
		}
	}
}

func TestLoadExpandsGreyAndDropsAlpha(t *testing.T) {
	dir := t.TempDir()
	grey := image.NewGray(image.Rect(0, 0, 2, 2))
	for i := range grey.Pix {
		grey.Pix[i] = 51
	}
	write(t, dir, "grey.png", grey)
	clear := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	for i := range 4 {
		clear.SetNRGBA(i%2, i/2, color.NRGBA{R: 200, G: 100, B: 50, A: uint8(i * 60)})
	}
	write(t, dir, "see-through.png", clear)
	s := scan(t, dir, ScanOptions{})
	for i, rgb := range [][3]uint8{{51, 51, 51}, {200, 100, 50}} {
		ex := load(t, s, i, Crop{Size: 2}, 0, 0, 0)
		if ex.Labels != nil || ex.Class != -1 {
			t.Errorf("%s: labels %v, class %d", s.Items[i].Rel, ex.Labels, ex.Class)
		}
		for c := range 3 {
			for p := range 4 {
				if got := ex.Image[c*4+p]; got != pixel(rgb[c]) {
					t.Errorf("%s: channel %d pixel %d is %v, want %v", s.Items[i].Rel, c, p, got, pixel(rgb[c]))
				}
			}
		}
	}
}

func TestScaledSize(t *testing.T) {
	for _, c := range []struct{ w, h, size, sw, sh int }{
		{4, 8, 6, 6, 12},
		{8, 4, 6, 12, 6},
		{5, 7, 6, 6, 8},     // 8.4
		{5, 8, 6, 6, 10},    // 9.6
		{4, 5, 6, 6, 8},     // 7.5 rounds up
		{3, 3, 6, 6, 6},     // square
		{4, 5, 4, 4, 5},     // the shorter side fits: unchanged
		{10, 20, 6, 10, 20}, // larger: never scaled down
	} {
		if sw, sh := scaledSize(c.w, c.h, c.size); sw != c.sw || sh != c.sh {
			t.Errorf("%dx%d at size %d: %dx%d, want %dx%d", c.w, c.h, c.size, sw, sh, c.sw, c.sh)
		}
	}
}

func TestLoadScalesUpSmallImages(t *testing.T) {
	imgs, labs := t.TempDir(), t.TempDir()
	// A horizontal ramp in red, flat green and blue, 4 wide and 8 tall.
	src := image.NewNRGBA(image.Rect(0, 0, 4, 8))
	for y := range 8 {
		for x := range 4 {
			src.SetNRGBA(x, y, color.NRGBA{R: uint8(60 * x), G: 140, B: 200, A: 255})
		}
	}
	write(t, imgs, "small.png", src)
	write(t, labs, "small.png", labelMap(4, 8, func(x, y int) int { return 10*y + x }))
	s := scan(t, imgs, ScanOptions{LabelDir: labs})
	// 4x8 becomes 6x12; the centre crop takes rows 3..8. Nearest neighbour at
	// pixel centres reads source rows 2,3,3,4,5,5 and columns 0,1,1,2,3,3.
	ex := load(t, s, 0, Crop{Size: 6}, 0, 0, 0)
	rows, cols := []int{2, 3, 3, 4, 5, 5}, []int{0, 1, 1, 2, 3, 3}
	for y := range 6 {
		for x := range 6 {
			if got, want := int(ex.Labels[y*6+x]), 10*rows[y]+cols[x]; got != want {
				t.Errorf("label (%d, %d) = %d, want %d", x, y, got, want)
			}
		}
	}
	for y := range 6 {
		for x := range 6 {
			i := y*6 + x
			if ex.Image[36+i] != pixel(140) || ex.Image[72+i] != pixel(200) {
				t.Fatalf("pixel (%d, %d): flat channels became %v, %v", x, y, ex.Image[36+i], ex.Image[72+i])
			}
			if x > 0 && ex.Image[i] < ex.Image[i-1] {
				t.Errorf("row %d: the red ramp falls from %v to %v at x %d", y, ex.Image[i-1], ex.Image[i], x)
			}
		}
		if ex.Image[y*6] >= ex.Image[y*6+5] {
			t.Errorf("row %d: the ramp lost its slope: %v", y, ex.Image[y*6:y*6+6])
		}
	}
}

func TestLoadCropsAndFlipsImageAndLabelsAlike(t *testing.T) {
	imgs, labs := t.TempDir(), t.TempDir()
	// Every pixel is unique: label y*16+x, red the same number, green its
	// complement.
	src := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for i := range 256 {
		src.SetNRGBA(i%16, i/16, color.NRGBA{R: uint8(i), G: uint8(255 - i), B: 9, A: 255})
	}
	write(t, imgs, "u.png", src)
	write(t, labs, "u.png", labelMap(16, 16, func(x, y int) int { return y*16 + x }))
	s := scan(t, imgs, ScanOptions{LabelDir: labs})

	// crop recovers the corner and the flip from the labels and checks
	// that the whole crop, image included, is that window.
	crop := func(ex *Example) (image.Point, bool) {
		t.Helper()
		flip := ex.Labels[1] < ex.Labels[0]
		x0 := int(ex.Labels[0]) % 16
		if flip {
			x0 -= 7
		}
		at := image.Pt(x0, int(ex.Labels[0])/16)
		for y := range 8 {
			for x := range 8 {
				sx := at.X + x
				if flip {
					sx = at.X + 7 - x
				}
				want := uint8((at.Y+y)*16 + sx)
				i := y*8 + x
				if ex.Labels[i] != want || ex.Image[i] != pixel(want) || ex.Image[64+i] != pixel(255-want) {
					t.Fatalf("pixel (%d, %d): label %d, red %v, green %v; want label %d in the window at %v flipped %v",
						x, y, ex.Labels[i], ex.Image[i], ex.Image[64+i], want, at, flip)
				}
			}
		}
		return at, flip
	}

	if at, flip := crop(load(t, s, 0, Crop{Size: 8}, 7, 3, 2)); at != image.Pt(4, 4) || flip {
		t.Errorf("centre crop at %v flipped %v, want (4,4) unflipped", at, flip)
	}
	corners := map[image.Point]bool{}
	flips := 0
	for k := range 8 {
		for j := range 4 {
			ex := load(t, s, 0, Crop{Size: 8, Augment: true}, 7, k, j)
			at, flip := crop(ex)
			corners[at] = true
			if flip {
				flips++
			}
			if again := load(t, s, 0, Crop{Size: 8, Augment: true}, 7, k, j); !slices.Equal(again.Labels, ex.Labels) || !slices.Equal(again.Image, ex.Image) {
				t.Fatalf("batch %d position %d: two loads differ", k, j)
			}
		}
	}
	if len(corners) < 10 || flips < 6 || flips > 26 {
		t.Errorf("32 random crops: %d corners, %d flips", len(corners), flips)
	}
	// The numbers are pinned like the sampler's, for exact resumes.
	if p := place(16, 16, Crop{Size: 8, Augment: true}, 7, 3, 2); p != (placement{w: 16, h: 16, x: 1, y: 4, flip: false}) {
		t.Errorf("seed 7, batch 3, position 2: %+v", p)
	}
	other := 0
	for k := range 8 {
		if place(16, 16, Crop{Size: 8, Augment: true}, 8, k, 0) != place(16, 16, Crop{Size: 8, Augment: true}, 7, k, 0) {
			other++
		}
	}
	if other == 0 {
		t.Errorf("seeds 7 and 8 crop eight batches alike")
	}
}

func TestLoadLabelsOnly(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a/m.png", labelMap(3, 5, func(x, y int) int { return 10*y + x }))
	write(t, dir, "b.jpg", noise(4, 4))
	s := scan(t, dir, ScanOptions{LabelsOnly: true})
	if got := rels(s); !slices.Equal(got, []string{"a/m.png"}) || !s.LabelsOnly || s.Items[0].LabelPath != s.Items[0].Path {
		t.Fatalf("labels-only set %+v", s)
	}
	// 3x5 becomes 4x7 (6.67 rounded); the centre crop takes rows 1..4,
	// source rows 1,1,2,3 and columns 0,1,1,2.
	ex := load(t, s, 0, Crop{Size: 4, Labels: 45}, 0, 0, 0)
	if ex.Image != nil {
		t.Errorf("a labels-only item has an image")
	}
	want := []uint8{10, 11, 11, 12, 10, 11, 11, 12, 20, 21, 21, 22, 30, 31, 31, 32}
	if !slices.Equal(ex.Labels, want) {
		t.Errorf("labels %v, want %v", ex.Labels, want)
	}
}

func TestLoadErrors(t *testing.T) {
	imgs, labs := t.TempDir(), t.TempDir()
	write(t, imgs, "a.png", noise(4, 4))
	lab := write(t, labs, "a.png", labelMap(4, 4, func(x, y int) int {
		if x == 2 && y == 1 {
			return 9
		}
		return 0
	}))
	s := scan(t, imgs, ScanOptions{LabelDir: labs})
	_, err := s.Load(0, Crop{Size: 4, Labels: 5}, 0, 0, 0)
	wantErr(t, err, "data: "+lab+": label 9 at pixel (2, 1) is not below the label count 5")
	if _, err := s.Load(0, Crop{Size: 4, Labels: 10}, 0, 0, 0); err != nil {
		t.Errorf("labels below 10 with count 10: %v", err)
	}
	_, err = s.Load(1, Crop{Size: 4}, 0, 0, 0)
	wantErr(t, err, "data: item 1 is outside the 1 items of "+imgs)
	_, err = s.Load(0, Crop{Size: 0}, 0, 0, 0)
	wantErr(t, err, "data: the crop size must be positive, got 0")
	_, err = s.Load(0, Crop{Size: 4, Labels: -1}, 0, 0, 0)
	wantErr(t, err, "data: the label count must not be negative, got -1")

	// Files changed after the scan.
	write(t, labs, "a.png", labelMap(4, 2, func(x, y int) int { return 0 }))
	_, err = s.Load(0, Crop{Size: 4}, 0, 0, 0)
	wantErr(t, err, "data: label map "+lab+" is 4x2 but its image "+filepath.Join(imgs, "a.png")+" is 4x4")
	wide := image.NewGray16(image.Rect(0, 0, 4, 4))
	wide.SetGray16(3, 2, color.Gray16{Y: 300})
	write(t, labs, "a.png", wide)
	_, err = s.Load(0, Crop{Size: 4}, 0, 0, 0)
	wantErr(t, err, "data: "+lab+": label 300 at pixel (3, 2) does not fit in 8 bits")
	write(t, labs, "a.png", noise(4, 4))
	_, err = s.Load(0, Crop{Size: 4}, 0, 0, 0)
	wantErr(t, err, "data: "+lab+": a label map must be a grayscale or paletted PNG, this one decodes as *image.RGBA") // an opaque RGB PNG
}

func TestOneHot(t *testing.T) {
	got, err := OneHot([]uint8{2, 0, 1, 2}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{
		0, 1, 0, 0, // label 0
		0, 0, 1, 0, // label 1
		1, 0, 0, 1, // label 2
	}
	if !slices.Equal(got, want) {
		t.Errorf("one-hot %v, want %v", got, want)
	}
	_, err = OneHot([]uint8{0, 3}, 3)
	wantErr(t, err, "data: label 3 at position 1 is not below the label count 3")
	_, err = OneHot(nil, 0)
	wantErr(t, err, "data: the label count must be positive, got 0")
}
