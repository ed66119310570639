package ops

import (
	"math/rand"
	"testing"
)

func TestElementwiseGradients(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	gradCheck(t, AddKernel{}, 1e-3, randn(r, 2, 3, 4), randn(r, 2, 3, 4), randn(r, 2, 3, 4))
	gradCheck(t, ScaleKernel{By: -0.7}, 1e-3, randn(r, 5, 2))
	gradCheck(t, MeanKernel{}, 1e-3, randn(r, 3, 4, 5))
}
