package nn

// winoF4 is F(4x4, 3x3). Its interpolation points are 0, 1, -1, 1/2, -2 and
// infinity: against the usual 0, ±1, ±2 they halve the float32 error at 512
// input channels (the transform-domain values spread less), for the same
// transform cost.
var winoF4 = winoScheme{
	m:          winoM,
	points:     []float64{0, 1, -1, 0.5, -2},
	input:      winoInputTiles,
	output:     winoOutputTiles,
	inScratch:  func(tw int) int { return winoN * winoTmpCols(tw) },
	outScratch: func(tw int) int { return winoM * winoN * tw },
}

const (
	winoM = 4         // output tile side
	winoN = winoM + 2 // input tile side
)

// winoInputTiles transforms every 6x6 tile of one channel's patch (Bᵀ·d·B)
// and stores element k of tile t at v[k*stride + t]. Both passes run along
// whole rows: Bᵀ down the columns of a strip of six patch rows into tmp,
// then B across each tile of those rows, so loads and stores stream
// through contiguous memory. tmp holds six rows of winoTmpCols(tw).
func winoInputTiles(v []float32, stride int, patch, tmp []float32, blk winoBlock) {
	cols, tc := winoM*blk.tw+2, winoTmpCols(blk.tw)
	for ty := range blk.th {
		winoInCols(tmp, tc, patch[winoM*ty*cols:], cols, cols)
		for a := range winoN {
			winoInTiles(v[a*winoN*stride+ty*blk.tw:], stride, tmp[a*tc:(a+1)*tc], blk.tw)
		}
	}
}

// winoTmpCols is the row length of the input transform's scratch: a
// strip's columns plus the slack winoInTiles may read past the last tile.
func winoTmpCols(tw int) int { return winoM*tw + 4 }

// winoOutputTiles applies Aᵀ·m·A to every tile of one output channel, whose
// element k of tile t is m[k*stride + t], and adds the 4x4 results into y
// (oh×ow), cutting tiles off at the edges. Aᵀ runs down the columns first
// into tmp (24 rows of tw: row i*6+b holds result row i, column b), then
// across the tiles straight into four rows of y.
func winoOutputTiles(y []float32, oh, ow int, m []float32, stride int, tmp []float32, blk winoBlock) {
	tw, ox := blk.tw, winoM*blk.tx0
	full := min(tw, (ow-ox)/winoM) // tiles wholly inside the output
	for ty := range blk.th {
		for b := range winoN {
			winoOutCols(tmp[b*tw:], winoN*tw, m[b*stride+ty*tw:], winoN*stride, tw)
		}
		oy := winoM * (blk.ty0 + ty)
		for i := range min(winoM, oh-oy) {
			row, r := y[(oy+i)*ow+ox:(oy+i+1)*ow], tmp[i*winoN*tw:]
			winoOutTilesAdd(row, r, tw, full)
			if full < tw {
				// The last tile sticks out past the right edge.
				var o [winoM]float32
				o[0], o[1], o[2], o[3] = winoOut1(r[full], r[tw+full], r[2*tw+full], r[3*tw+full], r[4*tw+full], r[5*tw+full])
				for j, e := range row[winoM*full:] {
					row[winoM*full+j] = e + o[j]
				}
			}
		}
	}
}

// The 1-D transforms as loops over contiguous vectors: the portable
// versions here, with SIMD versions for amd64 in winograd_amd64.s. Each
// applies a 1-D transform to six vectors; the "cols" kernels read and write
// vectors spaced a fixed stride apart, the "tiles" kernels read or write a
// row of 4-wide tiles.

// winoIn1 is Bᵀ applied to six values. Row j of Bᵀ holds the coefficients
// of the product of (x - p) over every finite point p but point j (all of
// them for the last row):
//
//	1 -3/2  -2  3/2  1  0
//	0  -1  1/2  5/2  1  0
//	0   1 -5/2  1/2  1  0
//	0  -2   -1    2  1  0
//	0  1/2  -1 -1/2  1  0
//	0   1 -3/2   -2 3/2 1
func winoIn1(d0, d1, d2, d3, d4, d5 float32) (v0, v1, v2, v3, v4, v5 float32) {
	p, q := d3-d1, d4-d2
	a, b := q+1.5*d3, p+1.5*d2
	v0 = d0 - d2 + q + 1.5*p
	v1, v2 = a+b, a-b
	v3 = q + 2*p
	v4 = q - 0.5*p
	v5 = d5 - d3 - p + 1.5*q
	return
}

// winoOut1 is Aᵀ applied to six values: row i evaluates pⁱ at each finite
// point p, plus the infinity term in the last row:
//
//	1  1  1   1   1  0
//	0  1 -1  1/2 -2  0
//	0  1  1  1/4  4  0
//	0  1 -1  1/8 -8  1
func winoOut1(m0, m1, m2, m3, m4, m5 float32) (y0, y1, y2, y3 float32) {
	s, d := m1+m2, m1-m2
	y0 = m0 + s + m3 + m4
	y1 = d + 0.5*m3 - 2*m4
	y2 = s + 0.25*m3 + 4*m4
	y3 = d + 0.125*m3 - 8*m4 + m5
	return
}

// winoSix returns the six vectors of length n starting stride apart in s.
func winoSix(s []float32, stride, n int) (s0, s1, s2, s3, s4, s5 []float32) {
	return s[:n], s[stride : stride+n], s[2*stride : 2*stride+n], s[3*stride : 3*stride+n], s[4*stride : 4*stride+n], s[5*stride : 5*stride+n]
}

// winoInColsGo sets dst row b (rows dstride apart) to row b of Bᵀ applied
// to the six src rows (sstride apart), over n columns.
func winoInColsGo(dst []float32, dstride int, src []float32, sstride, n int) {
	d0, d1, d2, d3, d4, d5 := winoSix(src, sstride, n)
	v0, v1, v2, v3, v4, v5 := winoSix(dst, dstride, n)
	for i := range d0 {
		v0[i], v1[i], v2[i], v3[i], v4[i], v5[i] = winoIn1(d0[i], d1[i], d2[i], d3[i], d4[i], d5[i])
	}
}

// winoInTilesGo applies Bᵀ across each of n overlapping tiles of src (tile
// q is src[4q:4q+6]) and stores result b of tile q at dst[b*dstride+q].
func winoInTilesGo(dst []float32, dstride int, src []float32, n int) {
	v0, v1, v2, v3, v4, v5 := winoSix(dst, dstride, n)
	for q := range v0 {
		d := src[winoM*q : winoM*q+winoN]
		v0[q], v1[q], v2[q], v3[q], v4[q], v5[q] = winoIn1(d[0], d[1], d[2], d[3], d[4], d[5])
	}
}

// winoOutColsGo sets dst row i (rows dstride apart) to row i of Aᵀ applied
// to the six src rows (sstride apart), over n columns.
func winoOutColsGo(dst []float32, dstride int, src []float32, sstride, n int) {
	m0, m1, m2, m3, m4, m5 := winoSix(src, sstride, n)
	y0, y1, y2, y3 := dst[:n], dst[dstride:dstride+n], dst[2*dstride:2*dstride+n], dst[3*dstride:3*dstride+n]
	for i := range m0 {
		y0[i], y1[i], y2[i], y3[i] = winoOut1(m0[i], m1[i], m2[i], m3[i], m4[i], m5[i])
	}
}

// winoOutTilesAddGo applies Aᵀ to column q of the six src rows (sstride
// apart) and adds the four results to dst[4q:4q+4], for n tiles.
func winoOutTilesAddGo(dst, src []float32, sstride, n int) {
	m0, m1, m2, m3, m4, m5 := winoSix(src, sstride, n)
	for q := range m0 {
		y0, y1, y2, y3 := winoOut1(m0[q], m1[q], m2[q], m3[q], m4[q], m5[q])
		o := dst[winoM*q : winoM*q+winoM]
		o[0] += y0
		o[1] += y1
		o[2] += y2
		o[3] += y3
	}
}
