package sample

import (
	"math"
	"time"
)

// Step is one measured transformer call: Batch grids were fed Call.Fed
// inputs each.
type Step struct {
	Call
	Batch int
	Took  time.Duration
}

// attended is how many (input, cached key) pairs a call's attention sums
// over: input k of the call attends to Cached+k+1 positions.
func (c Call) attended() int { return c.Fed*c.Cached + c.Fed*(c.Fed+1)/2 }

// Cost is the time of a transformer call as PerCall + PerInput×fed +
// PerAttend×attended, per grid of the batch but for PerCall. Attention over
// the cache grows with the position in the window, and one call of k
// inputs (a refeed) pays the fixed part once where k single steps pay it k
// times.
type Cost struct {
	PerCall, PerInput, PerAttend float64 // seconds
}

// Time is what the calls take, for a batch of batch grids.
func (c Cost) Time(batch int, calls ...Call) time.Duration {
	b := float64(max(batch, 1))
	s := 0.0
	for _, k := range calls {
		s += c.PerCall + b*(c.PerInput*float64(k.Fed)+c.PerAttend*float64(k.attended()))
	}
	return time.Duration(s * float64(time.Second))
}

// CostFit accumulates steps and fits a Cost to them by least squares. It
// keeps only the normal equations, so it costs the same after a long run.
type CostFit struct {
	n   int
	xtx [3][3]float64
	xty [3]float64
}

func features(s Step) [3]float64 {
	b := float64(max(s.Batch, 1))
	return [3]float64{1, b * float64(s.Fed), b * float64(s.attended())}
}

// Add records a step.
func (f *CostFit) Add(s Step) {
	x, y := features(s), s.Took.Seconds()
	for r := range 3 {
		for c := range 3 {
			f.xtx[r][c] += x[r] * x[c]
		}
		f.xty[r] += x[r] * y
	}
	f.n++
}

// Len is the number of steps recorded.
func (f *CostFit) Len() int { return f.n }

// Fit returns the least-squares Cost, with no negative term: a term the
// steps cannot tell apart from the others (every call fed one input, say)
// or that fits below zero is dropped and the rest fitted again. ok is false
// before any step.
func (f *CostFit) Fit() (c Cost, ok bool) {
	if f.n == 0 {
		return Cost{}, false
	}
	use := []int{0, 1, 2}
	for len(use) > 0 {
		coef, solved := f.solve(use)
		drop := -1
		for k, v := range coef {
			if v < 0 {
				drop = k
			}
		}
		if solved && drop < 0 {
			var all [3]float64
			for k, i := range use {
				all[i] = coef[k]
			}
			return Cost{PerCall: all[0], PerInput: all[1], PerAttend: all[2]}, true
		}
		if !solved {
			drop = 0 // the fixed part goes first: it is the least identified
		}
		use = append(use[:drop:drop], use[drop+1:]...)
	}
	return Cost{}, false
}

// solve solves the normal equations restricted to the features in use, by
// Gaussian elimination on columns scaled to unit diagonal; solved is false
// when they are (nearly) singular.
func (f *CostFit) solve(use []int) (coef []float64, solved bool) {
	n := len(use)
	a := make([][]float64, n)
	scale := make([]float64, n)
	for r, i := range use {
		scale[r] = math.Sqrt(f.xtx[i][i])
		if scale[r] == 0 {
			return nil, false
		}
	}
	for r, i := range use {
		a[r] = make([]float64, n+1)
		for c, j := range use {
			a[r][c] = f.xtx[i][j] / (scale[r] * scale[c])
		}
		a[r][n] = f.xty[i] / scale[r]
	}
	for col := range n {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-9 {
			return nil, false
		}
		a[col], a[p] = a[p], a[col]
		for r := range n {
			if r != col {
				k := a[r][col] / a[col][col]
				for c := col; c <= n; c++ {
					a[r][c] -= k * a[col][c]
				}
			}
		}
	}
	coef = make([]float64, n)
	for r := range n {
		coef[r] = a[r][n] / a[r][r] / scale[r]
	}
	return coef, true
}
