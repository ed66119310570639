package nn

import (
	"math"
	"math/rand"
	"testing"

	"tessera/engine/nn/blas"
)

// fullAttention is attention as it was computed before blocks: the whole
// n×n score matrix at once. Attention must agree with it.
func fullAttention(out, q, k, v []float32, c, n int, scale float32) {
	scores := make([]float32, n*n)
	blas.Sgemm(true, false, n, n, c, scale, q, n, k, n, 0, scores, n)
	SoftmaxRows(scores, n)
	blas.Sgemm(false, true, c, n, n, 1, v, n, scores, n, 0, out, n)
}

// naiveAttention is the float64 definition.
func naiveAttention(q, k, v []float32, c, n int, scale float64) []float64 {
	out := make([]float64, c*n)
	s := make([]float64, n)
	for i := 0; i < n; i++ {
		m := math.Inf(-1)
		for j := 0; j < n; j++ {
			var d float64
			for ch := 0; ch < c; ch++ {
				d += float64(q[ch*n+i]) * float64(k[ch*n+j])
			}
			s[j] = d * scale
			m = math.Max(m, s[j])
		}
		var sum float64
		for j := range s {
			s[j] = math.Exp(s[j] - m)
			sum += s[j]
		}
		for ch := 0; ch < c; ch++ {
			var o float64
			for j := 0; j < n; j++ {
				o += float64(v[ch*n+j]) * s[j]
			}
			out[ch*n+i] = o / sum
		}
	}
	return out
}

func TestAttentionRowsBoundTheScores(t *testing.T) {
	for _, n := range []int{1, 15, 16, 100, 1448, 1449, 4096, 65536, 1 << 20, 1 << 24} {
		rows := AttentionRows(n)
		if rows < 1 || rows > n {
			t.Fatalf("n=%d: %d rows", n, rows)
		}
		if rows < n && rows > attnMinRows && rows*n > attnScores {
			t.Errorf("n=%d: %d rows hold %d scores, more than %d", n, rows, rows*n, attnScores)
		}
		if got, want := AttentionScratch(n), 4*int64(rows)*int64(n); got != want {
			t.Errorf("n=%d: scratch %d, want %d", n, got, want)
		}
		// Memory in proportion to n: a block is at most attnMinRows rows
		// once the whole matrix no longer fits.
		if n > 2048 && AttentionScratch(n) > 4*int64(max(attnMinRows, attnScores/n+1))*int64(n) {
			t.Errorf("n=%d: scratch %d grows faster than n", n, AttentionScratch(n))
		}
	}
}

// Attention in blocks equals the whole product: to float32 rounding of the
// definition, and to the full-matrix computation it replaced.
func TestAttentionInBlocksMatchesWhole(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, tc := range []struct{ c, n int }{{4, 1}, {8, 37}, {32, 256}, {8, 3000}, {16, 4096}} {
		q, k, v := randData(r, tc.c*tc.n), randData(r, tc.c*tc.n), randData(r, tc.c*tc.n)
		for i := range q {
			q[i] *= 3 // peaked softmaxes as well as flat ones
		}
		scale := float32(1 / math.Sqrt(float64(tc.c)))
		got := make([]float32, tc.c*tc.n)
		for i := range got {
			got[i] = float32(math.NaN()) // every output is written
		}
		Attention(got, q, k, v, tc.c, tc.n, scale)
		whole := make([]float32, tc.c*tc.n)
		fullAttention(whole, q, k, v, tc.c, tc.n, scale)
		var worst, worstUlps int
		for i := range got {
			if d := ulps(got[i], whole[i]); d > worstUlps {
				worst, worstUlps = i, d
			}
		}
		t.Logf("c=%d n=%d: %d blocks, at most %d ulps from the whole product", tc.c, tc.n, (tc.n+AttentionRows(tc.n)-1)/AttentionRows(tc.n), worstUlps)
		if worstUlps > 4 {
			t.Errorf("c=%d n=%d: out[%d] = %v in blocks, %v whole (%d ulps)", tc.c, tc.n, worst, got[worst], whole[worst], worstUlps)
		}
		if tc.n > 1000 {
			continue // the float64 definition is slow at this size; the whole product checks it
		}
		want := naiveAttention(q, k, v, tc.c, tc.n, float64(scale))
		for i := range got {
			if d := math.Abs(float64(got[i]) - want[i]); d > 1e-5*(1+math.Abs(want[i])) {
				t.Fatalf("c=%d n=%d: out[%d] = %v, want %v", tc.c, tc.n, i, got[i], want[i])
			}
		}
	}
	if AttentionRows(3000) >= 3000 || AttentionRows(4096) >= 4096 {
		t.Fatal("the test no longer covers several blocks")
	}
}

func benchAttention(b *testing.B, c, n int, f func(out, q, k, v []float32, c, n int, scale float32)) {
	r := rand.New(rand.NewSource(1))
	q, k, v := randData(r, c*n), randData(r, c*n), randData(r, c*n)
	out := make([]float32, c*n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f(out, q, k, v, c, n, 0.1)
	}
}

// BenchmarkAttention: the blocked kernel and the whole-matrix one it
// replaced, at the tiny VQGAN's latent attention for a 256x256 image (64x64
// positions, 32 channels) and at the f16 ImageNet one's middle (16x16, 512).
func BenchmarkAttention(b *testing.B) {
	for _, s := range []struct {
		name string
		c, n int
	}{{"c32_n4096", 32, 4096}, {"c512_n256", 512, 256}, {"c64_n16384", 64, 16384}} {
		b.Run(s.name+"/blocks", func(b *testing.B) { benchAttention(b, s.c, s.n, Attention) })
		b.Run(s.name+"/whole", func(b *testing.B) { benchAttention(b, s.c, s.n, fullAttention) })
	}
}
