package nn

import "gorgonia.org/tensor"

// UpsampleNearest2x doubles height and width by repeating pixels, as
// torch's interpolate(scale_factor=2, mode="nearest") does.
func UpsampleNearest2x(x *tensor.Dense) *tensor.Dense {
	n, c, h, w := Dims4(x)
	out := New(n, c, 2*h, 2*w)
	UpsampleNearest2xTo(out, x)
	return out
}

// UpsampleNearest2xTo is UpsampleNearest2x writing into dst ([N, C, 2H,
// 2W]), whatever dst held.
func UpsampleNearest2xTo(dst, x *tensor.Dense) {
	n, c, h, w := Dims4(x)
	src, out := Data(x), Data(dst)
	For(n*c, 1, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			in, o := src[p*h*w:(p+1)*h*w], out[p*4*h*w:(p+1)*4*h*w]
			for y := 0; y < h; y++ {
				row := o[2*y*2*w : (2*y+1)*2*w]
				for x, v := range in[y*w : (y+1)*w] {
					row[2*x], row[2*x+1] = v, v
				}
				copy(o[(2*y+1)*2*w:(2*y+2)*2*w], row)
			}
		}
	})
}
