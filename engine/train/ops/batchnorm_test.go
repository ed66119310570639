package ops

import (
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func newStats(r *rand.Rand, c int) *BNStats {
	st := &BNStats{Mean: make([]float32, c), Var: make([]float32, c), Momentum: 0.1, Eps: 1e-5}
	for i := range st.Mean {
		st.Mean[i] = float32(r.Float64() - 0.5)
		st.Var[i] = float32(0.5 + r.Float64())
	}
	return st
}

func TestBatchNormGradients(t *testing.T) {
	r := rand.New(rand.NewSource(21))
	for _, train := range []bool{true, false} {
		k := &BatchNormKernel{Stats: newStats(r, 3), Train: train}
		x := randn(r, 2, 3, 4, 5)
		for i := range nn.Data(x) {
			nn.Data(x)[i] = 2*nn.Data(x)[i] + 0.3 // a mean and variance far from 0 and 1
		}
		// The fourth input only orders the op: no gradient.
		gradCheck(t, k, 1e-3, x, randn(r, 3), randn(r, 3), randn(r, 2))
	}
}

// channelMoments returns the mean and the biased and unbiased variances of
// one channel of an NCHW tensor.
func channelMoments(x *tensor.Dense, ch int) (mean, biased, unbiased float64) {
	n, c, h, w := nn.Dims4(x)
	var vals []float64
	for b := 0; b < n; b++ {
		for _, v := range nn.Data(x)[(b*c+ch)*h*w : (b*c+ch+1)*h*w] {
			vals = append(vals, float64(v))
		}
	}
	for _, v := range vals {
		mean += v
	}
	mean /= float64(len(vals))
	var q float64
	for _, v := range vals {
		q += (v - mean) * (v - mean)
	}
	return mean, q / float64(len(vals)), q / float64(len(vals)-1)
}

func TestBatchNormStatistics(t *testing.T) {
	r := rand.New(rand.NewSource(22))
	st := newStats(r, 2)
	oldMean, oldVar := append([]float32(nil), st.Mean...), append([]float32(nil), st.Var...)
	x, gamma, beta := randn(r, 3, 2, 3, 3), randn(r, 2), randn(r, 2)
	out, err := (&BatchNormKernel{Stats: st, Train: true}).Forward([]*tensor.Dense{x, gamma, beta})
	if err != nil {
		t.Fatal(err)
	}
	if st.Tracked != 1 {
		t.Errorf("num_batches_tracked = %d after one training pass", st.Tracked)
	}
	for ch := 0; ch < 2; ch++ {
		mean, biased, unbiased := channelMoments(x, ch)
		if want := 0.9*float64(oldMean[ch]) + 0.1*mean; math.Abs(float64(st.Mean[ch])-want) > 1e-6 {
			t.Errorf("running_mean[%d] = %v, want %v", ch, st.Mean[ch], want)
		}
		if want := 0.9*float64(oldVar[ch]) + 0.1*unbiased; math.Abs(float64(st.Var[ch])-want) > 1e-6 {
			t.Errorf("running_var[%d] = %v, want %v (unbiased)", ch, st.Var[ch], want)
		}
		// The output is normalised with the biased variance.
		om, ov, _ := channelMoments(out, ch)
		g := float64(nn.Data(gamma)[ch])
		if want := float64(nn.Data(beta)[ch]); math.Abs(om-want) > 1e-5 {
			t.Errorf("channel %d: output mean %v, want beta %v", ch, om, want)
		}
		if want := g * g * biased / (biased + 1e-5); math.Abs(ov-want) > 1e-5 {
			t.Errorf("channel %d: output variance %v, want %v", ch, ov, want)
		}
	}

	// Evaluation normalises with the running statistics and leaves them.
	mean, variance := append([]float32(nil), st.Mean...), append([]float32(nil), st.Var...)
	out, err = (&BatchNormKernel{Stats: st, Train: false}).Forward([]*tensor.Dense{x, gamma, beta})
	if err != nil {
		t.Fatal(err)
	}
	if st.Tracked != 1 || st.Mean[0] != mean[0] || st.Var[1] != variance[1] {
		t.Errorf("an evaluation pass changed the running statistics")
	}
	_, c, h, w := nn.Dims4(x)
	for i, v := range nn.Data(x) {
		ch := i / (h * w) % c
		want := (float64(v)-float64(mean[ch]))/math.Sqrt(float64(variance[ch])+1e-5)*float64(nn.Data(gamma)[ch]) + float64(nn.Data(beta)[ch])
		if d := math.Abs(float64(nn.Data(out)[i]) - want); d > 1e-5 {
			t.Fatalf("eval output[%d] = %v, want %v", i, nn.Data(out)[i], want)
		}
	}
}

// TestBatchNormOrder runs the discriminator's two passes over shared
// statistics in one graph, the fake pass ordered after the real one through
// its after input (which gets no gradient), and checks the running
// statistics against the two updates in that order and the gradients of
// gamma and beta against the kernels' own.
func TestBatchNormOrder(t *testing.T) {
	r := rand.New(rand.NewSource(23))
	st := newStats(r, 2)
	want := &BNStats{Mean: append([]float32(nil), st.Mean...), Var: append([]float32(nil), st.Var...), Momentum: 0.1, Eps: 1e-5}
	realV, fakeV := randn(r, 2, 2, 3, 3), scaled(randn(r, 2, 2, 3, 3), 3)
	gammaV, betaV := randn(r, 2), randn(r, 2)

	g := G.NewGraph()
	node := func(name string, v *tensor.Dense) *G.Node {
		return G.NewTensor(g, G.Float32, v.Dims(), G.WithShape(v.Shape()...), G.WithValue(v), G.WithName(name))
	}
	gamma, beta := node("gamma", gammaV), node("beta", betaV)
	real := BatchNorm(node("real", realV), gamma, beta, st, true)
	fake := BatchNorm(node("fake", fakeV), gamma, beta, st, true, real)
	cost := HingeD(real, fake)
	grads, err := G.Grad(cost, gamma, beta)
	if err != nil {
		t.Fatal(err)
	}
	dgamma, dbeta := Watch(grads[0]), Watch(grads[1])
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}

	// The same by hand, real pass first.
	kr, kf := &BatchNormKernel{Stats: want, Train: true}, &BatchNormKernel{Stats: want, Train: true}
	ro, _ := kr.Forward([]*tensor.Dense{realV, gammaV, betaV})
	fo, _ := kf.Forward([]*tensor.Dense{fakeV, gammaV, betaV})
	compare(t, "running_mean", st.Mean, want.Mean)
	compare(t, "running_var", st.Var, want.Var)
	if st.Tracked != 2 {
		t.Errorf("num_batches_tracked = %d after two passes", st.Tracked)
	}
	lg, _ := HingeDKernel{}.Backward([]*tensor.Dense{ro, fo}, nil, scalar(1))
	rg, _ := kr.Backward([]*tensor.Dense{realV, gammaV, betaV}, ro, lg[0])
	fg, _ := kf.Backward([]*tensor.Dense{fakeV, gammaV, betaV}, fo, lg[1])
	for i := range 2 {
		nn.Data(rg[1])[i] += nn.Data(fg[1])[i]
		nn.Data(rg[2])[i] += nn.Data(fg[2])[i]
	}
	compare(t, "dgamma", dgamma.Data(), nn.Data(rg[1]))
	compare(t, "dbeta", dbeta.Data(), nn.Data(rg[2]))
}
