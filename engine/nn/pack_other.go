//go:build !amd64 || purego

package nn

const packAVX512 = false

func packPanel(dst, x []float32, taps []packTap, segs []packSeg, h int) {
	panic("nn: no panel packing kernel in this build")
}
