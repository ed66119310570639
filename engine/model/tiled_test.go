package model

import (
	"context"
	"math"
	"math/rand"
	"slices"
	"testing"

	"tessera/engine/nn"
	"tessera/engine/vqgan"
)

func TestDecodeTiledMatchesWholeDecode(t *testing.T) {
	m := openFixture(t, "vqgan").FirstStage
	const h, w = 20, 28
	r := rand.New(rand.NewSource(1))
	codes := make([]int, h*w)
	for i := range codes {
		codes[i] = r.Intn(m.Quantizer.Vocab())
	}
	zq, err := m.Quantizer.Embed(codes, 1, h, w)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := m.Decode(zq, nil)
	if err != nil {
		t.Fatal(err)
	}
	var tiles []int
	tiled, err := m.DecodeTiled(context.Background(), zq, vqgan.Tiling{Tile: 12, Overlap: 4}, func(done, total int) { tiles = append(tiles, done) })
	if err != nil {
		t.Fatal(err)
	}
	if len(tiles) != 2*3 {
		t.Fatalf("%d tiles decoded, want 6 (2 rows x 3 columns)", len(tiles))
	}
	if got, want := tiled.Shape(), whole.Shape(); !slices.Equal(got, want) {
		t.Fatalf("tiled shape %v, whole %v", got, want)
	}
	// Where only one tile covers the image, the result is that tile's decode.
	f := m.Config.Factor()
	for _, tc := range []struct{ y0, x0, ylo, yhi, xlo, xhi int }{
		{0, 0, 0, 8, 0, 8},      // top-left tile, left of and above every overlap
		{8, 16, 12, 20, 20, 28}, // bottom-right tile, past every overlap
	} {
		crop, _ := m.Quantizer.Embed(subGrid(codes, w, tc.y0, tc.x0, 12, 12), 1, 12, 12)
		tile, _ := m.Decode(crop, nil)
		for c := 0; c < 3; c++ {
			for y := tc.ylo * f; y < tc.yhi*f; y++ {
				for x := tc.xlo * f; x < tc.xhi*f; x++ {
					got := nn.Data(tiled)[(c*h*f+y)*w*f+x]
					want := nn.Data(tile)[(c*12*f+y-tc.y0*f)*12*f+x-tc.x0*f]
					if math.Abs(float64(got-want)) > 1e-5 {
						t.Fatalf("pixel (%d,%d,%d) = %v, its only tile decodes to %v", c, y, x, got, want)
					}
				}
			}
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.DecodeTiled(ctx, zq, vqgan.Tiling{Tile: 12, Overlap: 4}, nil); err == nil {
		t.Fatal("a cancelled tiled decode finished")
	}
}

func subGrid(codes []int, w, y0, x0, th, tw int) []int {
	var out []int
	for y := y0; y < y0+th; y++ {
		out = append(out, codes[y*w+x0:y*w+x0+tw]...)
	}
	return out
}
