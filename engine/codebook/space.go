package codebook

import (
	"math"
	"sort"
)

// Neighbors returns the k entries nearest to entry i by Euclidean distance
// between code vectors (vectors is [n, dim]), nearest first.
func Neighbors(vectors []float32, dim, i, k int) []int {
	n := len(vectors) / dim
	q := vectors[i*dim : (i+1)*dim]
	type cand struct {
		j int
		d float64
	}
	var cs []cand
	for j := 0; j < n; j++ {
		if j == i {
			continue
		}
		var d float64
		for e, v := range vectors[j*dim : (j+1)*dim] {
			x := float64(v - q[e])
			d += x * x
		}
		cs = append(cs, cand{j, d})
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].d < cs[b].d })
	out := make([]int, 0, k)
	for _, c := range cs[:min(k, len(cs))] {
		out = append(out, c.j)
	}
	return out
}

// PCA2 projects the code vectors ([n, dim]) onto their first two principal
// components, found by power iteration on the covariance matrix (dim is at
// most a few hundred, so the dense covariance is cheap).
func PCA2(vectors []float32, dim int) [][2]float64 {
	n := len(vectors) / dim
	mean := make([]float64, dim)
	for i := 0; i < n; i++ {
		for e := 0; e < dim; e++ {
			mean[e] += float64(vectors[i*dim+e]) / float64(n)
		}
	}
	cov := make([]float64, dim*dim)
	row := make([]float64, dim)
	for i := 0; i < n; i++ {
		for e := range row {
			row[e] = float64(vectors[i*dim+e]) - mean[e]
		}
		for a := 0; a < dim; a++ {
			for b := 0; b < dim; b++ {
				cov[a*dim+b] += row[a] * row[b]
			}
		}
	}
	pc1 := principal(cov, dim, nil)
	pc2 := principal(cov, dim, pc1)
	out := make([][2]float64, n)
	for i := 0; i < n; i++ {
		var x, y float64
		for e := 0; e < dim; e++ {
			v := float64(vectors[i*dim+e]) - mean[e]
			x += v * pc1[e]
			y += v * pc2[e]
		}
		out[i] = [2]float64{x, y}
	}
	return out
}

// principal finds the leading eigenvector of the symmetric matrix m,
// orthogonal to not (if given), by power iteration from a fixed start so the
// map is the same every time.
func principal(m []float64, dim int, not []float64) []float64 {
	v := make([]float64, dim)
	for i := range v {
		v[i] = 1 / math.Sqrt(float64(dim)) * float64(1+i%3)
	}
	next := make([]float64, dim)
	for iter := 0; iter < 200; iter++ {
		if not != nil {
			deflate(v, not)
		}
		for a := 0; a < dim; a++ {
			var s float64
			for b := 0; b < dim; b++ {
				s += m[a*dim+b] * v[b]
			}
			next[a] = s
		}
		if not != nil {
			deflate(next, not)
		}
		norm := 0.0
		for _, x := range next {
			norm += x * x
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			break
		}
		for i := range v {
			v[i] = next[i] / norm
		}
	}
	// Fix the sign so the largest component is positive: a stable layout.
	big := 0
	for i := range v {
		if math.Abs(v[i]) > math.Abs(v[big]) {
			big = i
		}
	}
	if v[big] < 0 {
		for i := range v {
			v[i] = -v[i]
		}
	}
	return v
}

// deflate removes from v its component along the unit vector u.
func deflate(v, u []float64) {
	var d float64
	for i := range v {
		d += v[i] * u[i]
	}
	for i := range v {
		v[i] -= d * u[i]
	}
}
