//go:build !purego

package nn

import "golang.org/x/sys/cpu"

// winoAVX2 selects the AVX2+FMA kernels, which run 8 columns or tiles at a
// time; the Go kernels finish the rest.
var winoAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func winoInColsAVX2(dst *float32, dstride int, src *float32, sstride, n int)

//go:noescape
func winoInTilesAVX2(dst *float32, dstride int, src *float32, n int)

//go:noescape
func winoOutColsAVX2(dst *float32, dstride int, src *float32, sstride, n int)

//go:noescape
func winoOutTilesAddAVX2(dst, src *float32, sstride, n int)

// vectorPart returns how many of n columns or tiles the AVX2 kernels take.
func vectorPart(n int) int {
	if !winoAVX2 {
		return 0
	}
	return n &^ 7
}

// The wrappers slice every operand to what the assembly touches, so a short
// slice panics here instead of being overrun.

func winoInCols(dst []float32, dstride int, src []float32, sstride, n int) {
	if v := vectorPart(n); v > 0 {
		_, _ = dst[5*dstride:5*dstride+v], src[5*sstride:5*sstride+v]
		winoInColsAVX2(&dst[0], dstride, &src[0], sstride, v)
		dst, src, n = dst[v:], src[v:], n-v
	}
	winoInColsGo(dst, dstride, src, sstride, n)
}

func winoInTiles(dst []float32, dstride int, src []float32, n int) {
	v := vectorPart(n)
	// Each group of 8 tiles reads 36 values, 2 past its last tile.
	if v > 0 && winoM*v+4 > len(src) {
		v -= 8
	}
	if v > 0 {
		_, _ = dst[5*dstride:5*dstride+v], src[:winoM*v+4]
		winoInTilesAVX2(&dst[0], dstride, &src[0], v)
		dst, src, n = dst[v:], src[winoM*v:], n-v
	}
	winoInTilesGo(dst, dstride, src, n)
}

func winoOutCols(dst []float32, dstride int, src []float32, sstride, n int) {
	if v := vectorPart(n); v > 0 {
		_, _ = dst[3*dstride:3*dstride+v], src[5*sstride:5*sstride+v]
		winoOutColsAVX2(&dst[0], dstride, &src[0], sstride, v)
		dst, src, n = dst[v:], src[v:], n-v
	}
	winoOutColsGo(dst, dstride, src, sstride, n)
}

func winoOutTilesAdd(dst, src []float32, sstride, n int) {
	if v := vectorPart(n); v > 0 {
		_, _ = dst[:winoM*v], src[5*sstride:5*sstride+v]
		winoOutTilesAddAVX2(&dst[0], &src[0], sstride, v)
		dst, src, n = dst[winoM*v:], src[v:], n-v
	}
	winoOutTilesAddGo(dst, src, sstride, n)
}
