//go:build !amd64 || purego

package nn

func winoInCols(dst []float32, dstride int, src []float32, sstride, n int) {
	winoInColsGo(dst, dstride, src, sstride, n)
}

func winoInTiles(dst []float32, dstride int, src []float32, n int) {
	winoInTilesGo(dst, dstride, src, n)
}

func winoOutCols(dst []float32, dstride int, src []float32, sstride, n int) {
	winoOutColsGo(dst, dstride, src, sstride, n)
}

func winoOutTilesAdd(dst, src []float32, sstride, n int) {
	winoOutTilesAddGo(dst, src, sstride, n)
}
