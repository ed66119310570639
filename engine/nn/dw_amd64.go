//go:build !purego

package nn

// dwAVX512 selects dw3x3AVX512 for the weight gradients of 3x3 stride-1
// pad-1 convolutions.
var dwAVX512 = packAVX512

//go:noescape
func dw3x3AVX512(dw0, dw1, x *float32, xs int, dy0, dy1 *float32, oh, ow, tail int)

// dw3x3 adds to dw0 and dw1 (9 taps each) the weight gradients of two
// output channels, dy0 and dy1 (h x w planes), for one input plane x
// padded by a pixel on every side (rows w+2 floats apart, with slack after
// the last row for the vector loads).
func dw3x3(dw0, dw1, x []float32, dy0, dy1 []float32, h, w int) {
	_ = x[(h+2)*(w+2)+dwSlack-1]
	_, _, _, _ = dw0[8], dw1[8], dy0[h*w-1], dy1[h*w-1]
	dw3x3AVX512(&dw0[0], &dw1[0], &x[0], w+2, &dy0[0], &dy1[0], h, w, 1<<(w%16)-1)
}
