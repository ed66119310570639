package imgio

import (
	"image"
	"image/color"
	"slices"
	"strings"
	"testing"
)

// labelMap returns a paletted w×h map whose pixel (x,y) has label (x+y)%5;
// the palette colours are unrelated to the indices.
func labelMap(w, h int) *image.Paletted {
	pal := color.Palette{
		color.NRGBA{200, 0, 0, 255}, color.NRGBA{0, 0, 0, 255}, color.NRGBA{0, 90, 0, 255},
		color.NRGBA{17, 17, 17, 255}, color.NRGBA{0, 0, 250, 255}, color.NRGBA{1, 1, 1, 255},
		color.NRGBA{2, 2, 2, 255}, color.NRGBA{3, 3, 3, 255},
	}
	m := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	for y := range h {
		for x := range w {
			m.SetColorIndex(x, y, uint8((x+y)%5))
		}
	}
	return m
}

func TestLoadLabelsPaletted(t *testing.T) {
	labels, w, h, err := LoadLabels(save(t, "seg.png", labelMap(6, 3)))
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2}
	if w != 6 || h != 3 || !slices.Equal(labels, want) {
		t.Fatalf("%dx%d %v, want 6x3 %v", w, h, labels, want)
	}
}

func TestLoadLabelsGray(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 3, 2))
	copy(g.Pix, []uint8{0, 1, 2, 182, 4, 255})
	g16 := image.NewGray16(image.Rect(0, 0, 2, 1))
	g16.SetGray16(1, 0, color.Gray16{300})
	for _, c := range []struct {
		img  image.Image
		want []int
	}{
		{g, []int{0, 1, 2, 182, 4, 255}},
		{g16, []int{0, 300}},
	} {
		labels, _, _, err := LoadLabels(save(t, "seg.png", c.img))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(labels, c.want) {
			t.Errorf("%T: labels %v, want %v", c.img, labels, c.want)
		}
	}
}

func TestLoadLabelsRefusesColourAndJPEG(t *testing.T) {
	rgb := save(t, "seg.png", position(4, 4))
	_, _, _, err := LoadLabels(rgb)
	wantErr(t, err, "imgio: "+rgb+": a label map must be a grayscale or paletted PNG, this one decodes as *image.RGBA")
	jpg := save(t, "seg.jpg", image.NewGray(image.Rect(0, 0, 8, 8)))
	_, _, _, err = LoadLabels(jpg)
	wantErr(t, err, "imgio: "+jpg+": a label map must be a PNG, not jpeg")
}

func TestOneHot(t *testing.T) {
	labels := []int{2, 0, 1, 2, 2, 1}
	oh, err := OneHot(labels, 3, 2, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(oh.Shape(), []int{1, 4, 2, 3}) {
		t.Fatalf("shape %v", oh.Shape())
	}
	data := oh.Data().([]float32)
	for c := range 4 {
		for i, l := range labels {
			want := float32(0)
			if l == c {
				want = 1
			}
			if got := data[c*6+i]; got != want {
				t.Fatalf("channel %d pixel %d = %v, want %v", c, i, got, want)
			}
		}
	}
	_, err = OneHot(make([]int, 5), 3, 2, 4)
	wantErr(t, err, "imgio: 5 labels for a 3x2 map")
	_, err = OneHot(labels, 3, 2, 0)
	wantErr(t, err, "imgio: the number of labels must be positive, got 0")
	bad := make([]int, 20*10)
	bad[3*20+12] = 7
	_, err = OneHot(bad, 20, 10, 5)
	wantErr(t, err, "imgio: label 7 at pixel (12,3) is outside the model's 0..4")
	bad[3*20+12] = -1
	_, err = OneHot(bad, 20, 10, 5)
	wantErr(t, err, "imgio: label -1 at pixel (12,3) is outside the model's 0..4")
}

func TestLoadOneHotCropsAndNamesFilePixels(t *testing.T) {
	m := labelMap(20, 10)
	path := save(t, "seg.png", m)
	oh, notes, err := LoadOneHot(path, 5, 8)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(notes, []string{"centre-cropped 20x10 to 16x8 (multiple of 8)"}) {
		t.Fatalf("notes %q", notes)
	}
	if !slices.Equal(oh.Shape(), []int{1, 5, 8, 16}) {
		t.Fatalf("shape %v", oh.Shape())
	}
	// Cropped pixel (0,0) is file pixel (2,1), label 3.
	if oh.Data().([]float32)[3*8*16] != 1 {
		t.Fatal("the crop took the wrong labels")
	}

	m.SetColorIndex(12, 3, 7)
	m.SetColorIndex(0, 0, 6) // cropped away: not an error
	path = save(t, "seg.png", m)
	_, _, err = LoadOneHot(path, 5, 8)
	wantErr(t, err, "imgio: "+path+": label 7 at pixel (12,3) is outside the model's 0..4")

	_, _, err = LoadOneHot(path, 5, 16)
	if err == nil || !strings.Contains(err.Error(), "20x10, smaller than the 16x16 minimum") {
		t.Fatalf("too small: %v", err)
	}
}
