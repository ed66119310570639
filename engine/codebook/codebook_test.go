package codebook

import (
	"context"
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
