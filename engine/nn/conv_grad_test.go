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
