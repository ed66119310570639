package landscape

import (
	"bytes"
	"image/color"
	"sort"
	"strings"
	"testing"
)

func generate(t testing.TB, seed int64, w, h int, s Scene) ([]byte, []uint8) {
	t.Helper()
	img, labels, err := Generate(seed, w, h, s)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != w || img.Bounds().Dy() != h || len(labels) != w*h {
		t.Fatalf("%dx%d: image %v, %d labels", w, h, img.Bounds(), len(labels))
	}
	return img.Pix, labels
}

func TestDeterministic(t *testing.T) {
	for s := range Scene(len(Scenes)) {
		a, la := generate(t, 42, 96, 48, s)
		b, lb := generate(t, 42, 96, 48, s)
		if !bytes.Equal(a, b) || !bytes.Equal(la, lb) {
			t.Errorf("%s: two runs differ", s)
		}
	}
}

func TestLabelsInRange(t *testing.T) {
	for seed := range int64(14) {
		_, labels := generate(t, seed, 64, 32, Random)
		for i, l := range labels {
			if int(l) >= len(Labels) {
				t.Fatalf("seed %d: label %d at %d", seed, l, i)
			}
		}
	}
}

func TestEveryLabelAppears(t *testing.T) {
	seen := make([]int, len(Labels))
	for seed := range int64(56) {
		_, labels := generate(t, seed, 128, 64, Scene(seed%int64(len(Scenes))))
		for _, l := range labels {
			seen[l]++
		}
	}
	for l, n := range seen {
		if n == 0 {
			t.Errorf("label %s never drawn in 56 landscapes", Labels[l])
		}
	}
	t.Logf("pixels per label: %v", seen)
}

func TestScenesDiffer(t *testing.T) {
	var imgs [][]byte
	for s := range Scene(len(Scenes)) {
		img, _ := generate(t, 7, 64, 32, s)
		for j, prev := range imgs {
			if bytes.Equal(img, prev) {
				t.Errorf("scenes %s and %s draw the same image", Scene(j), s)
			}
		}
		imgs = append(imgs, img)
	}
	a, _ := generate(t, 7, 64, 32, Lake)
	b, _ := generate(t, 8, 64, 32, Lake)
	if bytes.Equal(a, b) {
		t.Error("seeds 7 and 8 draw the same lake")
	}
}

func TestSizes(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {16, 16}, {17, 31}, {31, 17}, {400, 20}, {20, 400}, {64, 64}} {
		for s := range Scene(len(Scenes)) {
			generate(t, 3, sz[0], sz[1], s)
		}
	}
	for _, sz := range [][2]int{{0, 10}, {10, 0}, {-1, 5}, {MaxSide + 1, 10}, {10, MaxSide + 1}} {
		if _, _, err := Generate(1, sz[0], sz[1], Alpine); err == nil || !strings.Contains(err.Error(), "landscape: size") {
			t.Errorf("%dx%d: error %v", sz[0], sz[1], err)
		}
	}
	if _, _, err := Generate(1, 8, 8, Scene(len(Scenes))); err == nil {
		t.Error("an unknown scene is accepted")
	}
}

// The same seed at two sizes is the same landscape: label maps agree
// where sampled at the same place.
func TestSizeIndependence(t *testing.T) {
	for s := range Scene(len(Scenes)) {
		_, small := generate(t, 11, 128, 64, s)
		_, large := generate(t, 11, 256, 128, s)
		same := 0
		for y := range 64 {
			for x := range 128 {
				if small[y*128+x] == large[(2*y+1)*256+2*x+1] {
					same++
				}
			}
		}
		if frac := float64(same) / (128 * 64); frac < 0.85 {
			t.Errorf("%s: 128x64 and 256x128 labels agree on %.2f of pixels", s, frac)
		}
	}
}

// A wider image shows more of the same landscape on both sides (coasts
// excepted: their cliffs keep to the sides of the view).
func TestAspect(t *testing.T) {
	for _, s := range []Scene{Alpine, Desert, Forest, Lake, Meadow} {
		_, narrow := generate(t, 5, 64, 64, s)
		_, wide := generate(t, 5, 192, 64, s)
		same := 0
		for y := range 64 {
			for x := range 64 {
				if narrow[y*64+x] == wide[y*192+64+x] {
					same++
				}
			}
		}
		if frac := float64(same) / (64 * 64); frac < 0.9 {
			t.Errorf("%s: a square and a wide image of one seed agree on %.2f of pixels", s, frac)
		}
	}
}

func TestSkyOnTop(t *testing.T) {
	for seed := range int64(28) {
		_, labels := generate(t, seed, 128, 64, Scene(seed%int64(len(Scenes))))
		top := 0
		for _, l := range labels[:128*4] {
			if l == Sky || l == Cloud {
				top++
			}
		}
		if top < 128*4*3/4 {
			t.Errorf("seed %d: %d of the top 4 rows' %d pixels are sky or cloud", seed, top, 128*4)
		}
		bottom := 0
		for _, l := range labels[128*60:] {
			if l == Sky || l == Cloud {
				bottom++
			}
		}
		if bottom > 0 {
			t.Errorf("seed %d: %d sky pixels in the bottom rows", seed, bottom)
		}
	}
}

// Water mirrors what stands above its far edge: a water pixel is close to
// the pixel mirrored above the horizon in its own column, much closer
// than to the mirrored pixel of another column.
func TestWaterReflects(t *testing.T) {
	const w, h = 256, 128
	checked := 0
	for seed := range int64(12) {
		pix, labels := generate(t, seed, w, h, Lake)
		hz := -1
		for y := 1; y < h && hz < 0; y++ {
			for x := range w {
				if labels[y*w+x] == Water && labels[(y-1)*w+x] != Water {
					hz = y
					break
				}
			}
		}
		if hz < 0 {
			t.Fatalf("seed %d: a lake without water", seed)
		}
		var own, other float64
		for y := hz; y < min(hz+h/10, h); y++ {
			my := 2*hz - y - 1
			for x := range w {
				if labels[y*w+x] != Water || labels[my*w+x] == Water {
					continue
				}
				xo := (x + w/2) % w
				own += dist(pix, y*w+x, my*w+x)
				other += dist(pix, y*w+x, my*w+xo)
			}
		}
		if own > 0.7*other {
			t.Errorf("seed %d: water is %.0f from its mirror image, %.0f from another column's", seed, own, other)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no lake had water")
	}
}

func dist(pix []byte, i, j int) float64 {
	d := 0.0
	for c := range 3 {
		v := float64(pix[4*i+c]) - float64(pix[4*j+c])
		d += v * v
	}
	return d
}

func TestRandomScene(t *testing.T) {
	seen := map[Scene]bool{}
	for seed := range int64(60) {
		s := RandomScene(seed)
		seen[s] = true
		a, la := generate(t, seed, 32, 16, Random)
		b, lb := generate(t, seed, 32, 16, s)
		if !bytes.Equal(a, b) || !bytes.Equal(la, lb) {
			t.Fatalf("seed %d: Random does not draw %s", seed, s)
		}
	}
	if len(seen) != len(Scenes) {
		t.Errorf("60 seeds drew %d of %d scenes", len(seen), len(Scenes))
	}
}

func TestParseScene(t *testing.T) {
	for i, n := range Scenes {
		if s, err := ParseScene(n); err != nil || s != Scene(i) || s.String() != n {
			t.Errorf("%s: %v, %v", n, s, err)
		}
	}
	if s, err := ParseScene("random"); err != nil || s != Random {
		t.Errorf("random: %v, %v", s, err)
	}
	_, err := ParseScene("tundra")
	if err == nil || !strings.Contains(err.Error(), `"tundra"`) || !strings.Contains(err.Error(), strings.Join(Scenes, ", ")) {
		t.Errorf("unknown scene: %v", err)
	}
	// Class folders named after the scenes sort into the scenes' ids.
	if !sort.StringsAreSorted(Scenes) {
		t.Errorf("scene names are not in sorted order: %v", Scenes)
	}
}

func TestLabelNamesAndColors(t *testing.T) {
	if len(LabelColors) != len(Labels) {
		t.Fatalf("%d colours for %d labels", len(LabelColors), len(Labels))
	}
	seen := map[color.NRGBA]string{}
	for i, c := range LabelColors {
		if prev, dup := seen[c]; dup {
			t.Errorf("%s and %s share a colour", prev, Labels[i])
		}
		seen[c] = Labels[i]
	}
	for i, n := range []string{"sky", "cloud", "mountain", "snow", "rock", "water", "sand", "grass", "tree", "flowers"} {
		if Labels[i] != n {
			t.Errorf("label %d is %s, want %s (ids are stable)", i, Labels[i], n)
		}
	}
}

func BenchmarkGenerate256x128(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		if _, _, err := Generate(int64(i), 256, 128, Random); err != nil {
			b.Fatal(err)
		}
	}
}
