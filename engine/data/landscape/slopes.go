package landscape

// slopes is a line's slope dy/dx in every column, smoothed over 2^l pixels
// either side for each level l: shading by the slope at a scale that grows
// with the depth below the line gives peaks faces that widen downwards.
type slopes [][]int64

// newSlopes samples line across the image and a margin either side, copies
// the image's part into cols, and returns the line's slopes.
func newSlopes(g *gen, line func(X int64) int64, cols []int64) slopes {
	maxL := 0
	for 2<<maxL <= g.h/2 {
		maxL++
	}
	margin := 1 << maxL
	ext := make([]int64, g.w+2*margin)
	for i := range ext {
		ext[i] = line(g.x0 + g.unit(i-margin))
	}
	copy(cols, ext[margin:])
	s := make(slopes, maxL+1)
	for l := range s {
		d := 1 << l
		sl := make([]int64, g.w)
		for x := range sl {
			sl[x] = (ext[x+margin+d] - ext[x+margin-d]) * int64(g.h) / int64(2*d)
		}
		s[l] = sl
	}
	return s
}

// at is the slope in column x smoothed over about d pixels (fixed point).
func (s slopes) at(x int, d int64) int64 {
	if d < 2*one {
		return s[0][x]
	}
	l := bitLen(d>>fbits) - 1
	if l >= len(s)-1 {
		return s[len(s)-1][x]
	}
	lo := int64(1) << l
	return mix(s[l][x], s[l+1][x], (d-lo<<fbits)/lo)
}
