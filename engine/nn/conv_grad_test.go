package nn

import (
	"math"
	"math/rand"
	"testing"
)

// naiveBackwardData is d(loss)/dx by the definition of the convolution.
func naiveBackwardData(c *Conv2d, dy []float32, n, h, w, oh, ow int) []float32 {
	dx := make([]float32, n*c.In*h*w)
	for b := 0; b < n; b++ {
		for o := 0; o < c.Out; o++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					g := dy[((b*c.Out+o)*oh+oy)*ow+ox]
					for i := 0; i < c.In; i++ {
						for ky := 0; ky < c.KH; ky++ {
							for kx := 0; kx < c.KW; kx++ {
								iy, ix := oy*c.Stride+ky-c.Pad.Top, ox*c.Stride+kx-c.Pad.Left
								if c.Pad.Circular {
									iy, ix = wrap(iy, h), wrap(ix, w)
								} else if iy < 0 || iy >= h || ix < 0 || ix >= w {
									continue
								}
								dx[((b*c.In+i)*h+iy)*w+ix] += g * c.Weight[((o*c.In+i)*c.KH+ky)*c.KW+kx]
							}
						}
					}
				}
			}
		}
	}
	return dx
}

// Both ways BackwardData works, the transposed convolution for stride 1
// and product-then-scatter otherwise, agree with the definition.
func TestConvBackwardDataMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	cases := []struct {
		in, out, k, stride int
		pad                Padding
	}{
		{3, 4, 3, 1, Same(1)},
		{5, 2, 3, 1, Padding{Top: 0, Bottom: 2, Left: 1, Right: 0}},
		{40, 33, 3, 1, Same(1)},
		{4, 3, 3, 2, Padding{Bottom: 1, Right: 1}},
		{3, 2, 4, 2, Same(1)},
		{2, 3, 3, 1, Padding{Top: 1, Bottom: 1, Left: 1, Right: 1, Circular: true}},
		{6, 5, 1, 1, Padding{}},
	}
	for _, tc := range cases {
		c := &Conv2d{Out: tc.out, In: tc.in, KH: tc.k, KW: tc.k, Stride: tc.stride, Pad: tc.pad}
		c.Weight = make([]float32, tc.out*tc.in*tc.k*tc.k)
		for i := range c.Weight {
			c.Weight[i] = r.Float32()*2 - 1
		}
		const n, h, w = 2, 9, 7
		oh, ow := c.OutputSize(h, w)
		dy := FromSlice(make([]float32, n*tc.out*oh*ow), n, tc.out, oh, ow)
		for i := range Data(dy) {
			Data(dy)[i] = r.Float32()*2 - 1
		}
		got := Data(c.BackwardData(dy, h, w))
		want := naiveBackwardData(c, Data(dy), n, h, w, oh, ow)
		for i := range want {
			if d := math.Abs(float64(got[i] - want[i])); d > 1e-4 {
				t.Fatalf("%+v: dx[%d] = %v, want %v", tc, i, got[i], want[i])
			}
		}
	}
}

// naiveBackwardParams is d(loss)/dW and d(loss)/db by the definition, and
// the sums of the terms' magnitudes, which bound a float32 sum's error.
func naiveBackwardParams(c *Conv2d, x, dy []float32, n, h, w, oh, ow int) (dw, db, dwAbs []float64) {
	dw, db, dwAbs = make([]float64, len(c.Weight)), make([]float64, c.Out), make([]float64, len(c.Weight))
	for b := 0; b < n; b++ {
		for o := 0; o < c.Out; o++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					g := float64(dy[((b*c.Out+o)*oh+oy)*ow+ox])
					db[o] += g
					for i := 0; i < c.In; i++ {
						for ky := 0; ky < c.KH; ky++ {
							for kx := 0; kx < c.KW; kx++ {
								iy, ix := oy*c.Stride+ky-c.Pad.Top, ox*c.Stride+kx-c.Pad.Left
								if c.Pad.Circular {
									iy, ix = wrap(iy, h), wrap(ix, w)
								} else if iy < 0 || iy >= h || ix < 0 || ix >= w {
									continue
								}
								term := g * float64(x[((b*c.In+i)*h+iy)*w+ix])
								dw[((o*c.In+i)*c.KH+ky)*c.KW+kx] += term
								dwAbs[((o*c.In+i)*c.KH+ky)*c.KW+kx] += math.Abs(term)
							}
						}
					}
				}
			}
		}
	}
	return dw, db, dwAbs
}

// TestConvBackwardParamsMatchesNaive covers the direct 3x3 kernel (rows of
// whole and partial 16-pixel chunks, an odd number of output channels, and
// tiles of channels), the column-matrix products and the 1x1 product, all
// adding to what dW and db held.
func TestConvBackwardParamsMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewSource(10))
	cases := []struct {
		in, out, k, stride int
		pad                Padding
		h, w               int
	}{
		{3, 5, 3, 1, Same(1), 5, 17},
		{3, 4, 3, 1, Same(1), 6, 7},
		{4, 2, 3, 1, Same(1), 3, 16},
		{2, 3, 3, 1, Same(1), 4, 35},
		{40, 9, 3, 1, Same(1), 64, 64},
		{4, 3, 3, 2, Padding{Bottom: 1, Right: 1}, 9, 8},
		{3, 2, 4, 2, Same(1), 8, 9},
		{2, 3, 3, 1, Padding{Top: 1, Bottom: 1, Left: 1, Right: 1, Circular: true}, 6, 5},
		{6, 5, 1, 1, Padding{}, 4, 3},
	}
	for _, tc := range cases {
		c := &Conv2d{Out: tc.out, In: tc.in, KH: tc.k, KW: tc.k, Stride: tc.stride, Pad: tc.pad, NoWinograd: true}
		c.Weight = randData(r, tc.out*tc.in*tc.k*tc.k)
		const n = 2
		oh, ow := c.OutputSize(tc.h, tc.w)
		x, dy := randData(r, n*tc.in*tc.h*tc.w), randData(r, n*tc.out*oh*ow)
		dw, db := randData(r, len(c.Weight)), randData(r, tc.out)
		dw0, db0 := append([]float32(nil), dw...), append([]float32(nil), db...)
		c.BackwardParams(FromSlice(x, n, tc.in, tc.h, tc.w), FromSlice(dy, n, tc.out, oh, ow), dw, db)
		wantW, wantB, absW := naiveBackwardParams(c, x, dy, n, tc.h, tc.w, oh, ow)
		for i := range dw {
			// A float32 sum of many terms is good to a few rounding steps
			// of the terms' total size, whatever the order.
			if d := math.Abs(float64(dw[i]-dw0[i]) - wantW[i]); d > 1e-4+1e-6*absW[i] {
				t.Fatalf("%+v: dW[%d] grew by %v, want %v", tc, i, dw[i]-dw0[i], wantW[i])
			}
		}
		for i := range db {
			if d := math.Abs(float64(db[i]-db0[i]) - wantB[i]); d > 1e-4*math.Max(1, math.Abs(wantB[i])) {
				t.Fatalf("%+v: db[%d] grew by %v, want %v", tc, i, db[i]-db0[i], wantB[i])
			}
		}
	}
}
