package nn

import "tessera/engine/nn/blas"

// attnScores bounds the block of attention scores held at once, in floats
// (8 MiB); attnMinRows keeps each block's products wide enough to run at
// full speed when there are very many positions.
const (
	attnScores  = 2 << 20
	attnMinRows = 16
)

// AttentionRows is how many query positions Attention takes per block for
// n positions: as many as fit attnScores, at least attnMinRows, at most n.
func AttentionRows(n int) int {
	return max(1, min(n, max(attnMinRows, attnScores/max(n, 1))))
}

// AttentionScratch is the memory in bytes Attention needs beside its
// operands for n positions: one block of scores.
func AttentionScratch(n int) int64 { return 4 * int64(AttentionRows(n)) * int64(n) }

// Attention is exact single-head softmax attention over n positions of c
// channels, in the channel-major layout of an NCHW feature map: q, k, v and
// out are c×n, and
//
//	out[ch, i] = sum_j v[ch, j] softmax_j(scale * sum_c q[c, i] k[c, j]).
//
// The queries are taken a block of rows at a time (AttentionRows), each
// row's softmax over all n keys at once, so the scores held at any moment
// are one block of rows, not the n×n matrix: memory grows with n, the work
// with n². Every score and output is computed as the whole product would
// compute it; only the grouping of the rows changes.
func Attention(out, q, k, v []float32, c, n int, scale float32) {
	rows := AttentionRows(n)
	scores := getScratch(rows * n)
	defer putScratch(scores)
	for i0 := 0; i0 < n; i0 += rows {
		r := min(rows, n-i0)
		s := scores[:r*n]
		// s[i,j] = scale * sum_c q[c,i0+i] k[c,j], then a softmax over j.
		blas.Sgemm(true, false, r, n, c, scale, q[i0:], n, k, n, 0, s, n)
		SoftmaxRows(s, n)
		// out[ch,i0+i] = sum_j v[ch,j] s[i,j]
		blas.Sgemm(false, true, c, r, n, 1, v, n, s, n, 0, out[i0:], n)
	}
}
