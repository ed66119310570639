package codebook

import (
	"context"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"tessera/engine/model"
	"tessera/engine/nn"
)

func TestUsage(t *testing.T) {
	u, err := CountUsage(5, []int{0, 1, 1, 3}, []int{3, 3})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(u.Counts, []int{1, 2, 0, 3, 0}) || u.Total != 6 {
		t.Fatalf("counts %v total %d", u.Counts, u.Total)
	}
	if got := u.Dead(); !slices.Equal(got, []int{2, 4}) {
		t.Fatalf("dead %v", got)
	}
	if got := u.ByUsage(); !slices.Equal(got, []int{3, 1, 0, 2, 4}) {
		t.Fatalf("by usage %v", got)
	}
	even, _ := CountUsage(4, []int{0, 1, 2, 3, 0, 1, 2, 3})
	if p := even.Perplexity(); math.Abs(p-4) > 1e-9 {
		t.Fatalf("perplexity of even use of 4 entries = %v", p)
	}
	if _, err := CountUsage(4, []int{0, 7}); err == nil {
		t.Fatal("counted a token outside the codebook")
	}
}

func TestNeighborsAndPCA(t *testing.T) {
	// Points on a line along (3, 4, 0) plus small offsets along z.
	var vecs []float32
	for i := 0; i < 10; i++ {
		s := float32(i - 5)
		vecs = append(vecs, 3*s, 4*s, 0.01*float32(i%2))
	}
	if got := Neighbors(vecs, 3, 4, 2); !slices.Equal(got, []int{3, 5}) {
		t.Fatalf("neighbours of 4: %v", got)
	}
	pts := PCA2(vecs, 3)
	for i := 1; i < len(pts); i++ {
		if pts[i][0] <= pts[i-1][0] {
			t.Fatalf("first component does not follow the line: %v", pts)
		}
		if math.Abs(pts[i][1]) > 0.02 {
			t.Fatalf("second component too large: %v", pts[i])
		}
	}
	if d := pts[9][0] - pts[0][0]; math.Abs(d-45) > 1e-6 {
		t.Fatalf("first component spans %v, want 45 (9 steps of length 5)", d)
	}
}

func TestPatchesDecodeEachEntry(t *testing.T) {
	m, err := model.Open(filepath.Join("..", "..", "testdata", "taming-tiny", "vqgan"), "")
	if err != nil {
		t.Fatal(err)
	}
	fs := m.FirstStage
	calls := 0
	p, err := Patches(context.Background(), fs, func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Shape(); !slices.Equal(got, []int{64, 3, 4, 4}) {
		t.Fatalf("patches shape %v", got)
	}
	if calls != 1 {
		t.Fatalf("%d progress calls for 64 entries in batches of 64", calls)
	}
	for _, tok := range []int{0, 17, 63} {
		one, err := fs.DecodeTokens([]int{tok}, 1, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		got := nn.Data(p)[tok*48 : (tok+1)*48]
		for i, v := range nn.Data(one) {
			if math.Abs(float64(v-got[i])) > 1e-5 {
				t.Fatalf("patch %d differs from decoding the entry alone", tok)
			}
		}
	}
}

func TestAtlasPlacesAndLabelsEntries(t *testing.T) {
	var patches []*image.NRGBA
	for i := 0; i < 11; i++ {
		p := image.NewNRGBA(image.Rect(0, 0, 4, 4))
		for j := 0; j < 16; j++ {
			p.SetNRGBA(j%4, j/4, color.NRGBA{uint8(20 * i), 100, uint8(j * 10), 255})
		}
		patches = append(patches, p)
	}
	l := AtlasLayout{Cols: 4, Scale: 3, Patch: 4}
	img := Atlas(patches, nil, l)
	if w, h := l.Size(11); img.Bounds().Dx() != w || img.Bounds().Dy() != h {
		t.Fatalf("atlas %v, layout says %dx%d", img.Bounds(), w, h)
	}
	for _, i := range []int{0, 5, 10} {
		r := l.PatchRect(i)
		// Patch pixel (1, 2) is scaled 3x.
		if got, want := img.NRGBAAt(r.Min.X+1*3+1, r.Min.Y+2*3+2), patches[i].NRGBAAt(1, 2); got != want {
			t.Fatalf("entry %d: atlas pixel %v, patch pixel %v", i, got, want)
		}
		if got := l.EntryAt(r.Min.X+2, r.Min.Y+2, 11); got != i {
			t.Fatalf("EntryAt over entry %d says %d", i, got)
		}
		ink := 0
		for y := r.Max.Y; y < r.Max.Y+labelHeight; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if img.NRGBAAt(x, y).R > 200 {
					ink++
				}
			}
		}
		if ink == 0 {
			t.Fatalf("entry %d has no label", i)
		}
	}
	if l.EntryAt(l.PatchRect(11).Min.X, l.PatchRect(11).Min.Y, 11) != -1 {
		t.Fatal("an empty cell maps to an entry")
	}
}
