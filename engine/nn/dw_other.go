//go:build !amd64 || purego

package nn

const dwAVX512 = false

func dw3x3(dw0, dw1, x []float32, dy0, dy1 []float32, h, w int) {
	panic("nn: no direct weight-gradient kernel in this build")
}
