package ops

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// BNStats are a BatchNorm2d's running statistics, owned by the trainer and
// saved as running_mean, running_var and num_batches_tracked. Mean and Var
// are written in place, so they may be a checkpoint buffer's own slices.
type BNStats struct {
	Mean, Var     []float32
	Tracked       int64
	Momentum, Eps float32
}

// BatchNormKernel is torch.nn.BatchNorm2d over x [N, C, H, W] with the
// affine gamma, beta [C]. In training mode it normalises with the batch
// statistics and updates the running ones; otherwise it uses the running
// ones. Inputs after the third only order the op and get no gradient.
type BatchNormKernel struct {
	Stats *BNStats
	Train bool

	// The running statistics an evaluation forward used, for its backward.
	evalMean, evalInvStd []float64
}

// BatchNorm adds batch_norm(x, gamma, beta) to the graph. after are nodes
// that must be computed first (an earlier pass over the same statistics):
// they are inputs in name only.
func BatchNorm(x, gamma, beta *G.Node, stats *BNStats, train bool, after ...*G.Node) *G.Node {
	k := &BatchNormKernel{Stats: stats, Train: train}
	return Must(k, append([]*G.Node{x, gamma, beta}, after...)...)
}

func (k *BatchNormKernel) Name() string {
	if k.Train {
		return "batch_norm(train)"
	}
	return "batch_norm(eval)"
}

func (k *BatchNormKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) < 3 {
		return nil, fmt.Errorf("want x, gamma and beta, got %d inputs", len(in))
	}
	x := in[0]
	if x.Dims() != 4 {
		return nil, fmt.Errorf("want an NCHW input, got %v", x)
	}
	c := x[1]
	for i, name := range []string{"gamma", "beta"} {
		if s := in[1+i]; s.TotalSize() != c {
			return nil, fmt.Errorf("%s %v does not fit %d channels", name, s, c)
		}
	}
	if len(k.Stats.Mean) != c || len(k.Stats.Var) != c {
		return nil, fmt.Errorf("running statistics of %d and %d values for %d channels", len(k.Stats.Mean), len(k.Stats.Var), c)
	}
	if k.Train && x[0]*x[2]*x[3] < 2 {
		return nil, fmt.Errorf("training needs more than one value per channel, input %v", x)
	}
	return x.Clone(), nil
}

func (k *BatchNormKernel) Differentiable(inputs int) []bool {
	d := make([]bool, inputs)
	d[0], d[1], d[2] = true, true, true
	return d
}

// channelStats returns each channel's batch mean and biased variance.
func channelStats(x []float32, n, c, plane int) (mean, variance []float64) {
	mean, variance = make([]float64, c), make([]float64, c)
	m := float64(n * plane)
	nn.For(c, 1, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			var s float64
			for b := 0; b < n; b++ {
				for _, v := range x[(b*c+ch)*plane : (b*c+ch+1)*plane] {
					s += float64(v)
				}
			}
			mu := s / m
			var q float64
			for b := 0; b < n; b++ {
				for _, v := range x[(b*c+ch)*plane : (b*c+ch+1)*plane] {
					d := float64(v) - mu
					q += d * d
				}
			}
			mean[ch], variance[ch] = mu, q/m
		}
	})
	return mean, variance
}

// statistics returns the batch's mean and biased variance in training
// mode, the running ones otherwise.
func (k *BatchNormKernel) statistics(x *tensor.Dense) (mean, variance []float64) {
	n, c, h, w := nn.Dims4(x)
	if k.Train {
		return channelStats(nn.Data(x), n, c, h*w)
	}
	mean, variance = make([]float64, c), make([]float64, c)
	for ch := range mean {
		mean[ch], variance[ch] = float64(k.Stats.Mean[ch]), float64(k.Stats.Var[ch])
	}
	return mean, variance
}

// normaliser returns the mean and 1/sqrt(var + eps) this pass normalises
// with: recomputed from x in training mode, the forward pass's copy of the
// running statistics otherwise.
func (k *BatchNormKernel) normaliser(x *tensor.Dense) (mean, invStd []float64) {
	if !k.Train && k.evalMean != nil {
		return k.evalMean, k.evalInvStd
	}
	mean, variance := k.statistics(x)
	return mean, k.invStd(variance)
}

func (k *BatchNormKernel) invStd(variance []float64) []float64 {
	out := make([]float64, len(variance))
	for ch, v := range variance {
		out[ch] = 1 / math.Sqrt(v+float64(k.Stats.Eps))
	}
	return out
}

func (k *BatchNormKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	x := in[0]
	n, c, h, w := nn.Dims4(x)
	plane := h * w
	mean, variance := k.statistics(x)
	invStd := k.invStd(variance)
	k.evalMean, k.evalInvStd = nil, nil
	if k.Train {
		k.update(mean, variance, n*plane)
	} else {
		k.evalMean, k.evalInvStd = mean, invStd
	}
	gamma, beta := nn.Data(in[1]), nn.Data(in[2])
	out := zerosLike(x)
	xs, ys := nn.Data(x), nn.Data(out)
	// y = x*alpha + shift per channel, as PyTorch's CPU kernel computes it.
	nn.For(n*c, 1, func(lo, hi int) {
		for bc := lo; bc < hi; bc++ {
			ch := bc % c
			alpha := float32(invStd[ch]) * gamma[ch]
			shift := beta[ch] - float32(mean[ch])*alpha
			src, dst := xs[bc*plane:(bc+1)*plane], ys[bc*plane:(bc+1)*plane]
			for i, v := range src {
				dst[i] = v*alpha + shift
			}
		}
	})
	return out, nil
}

// update moves the running statistics towards the batch's (m values per
// channel), keeping the unbiased variance as PyTorch does.
func (k *BatchNormKernel) update(mean, variance []float64, m int) {
	mom := float64(k.Stats.Momentum)
	for ch := range mean {
		unbiased := variance[ch] * float64(m) / float64(m-1)
		k.Stats.Mean[ch] = float32(mom*mean[ch] + (1-mom)*float64(k.Stats.Mean[ch]))
		k.Stats.Var[ch] = float32(mom*unbiased + (1-mom)*float64(k.Stats.Var[ch]))
	}
	k.Stats.Tracked++
}

func (k *BatchNormKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	x := in[0]
	n, c, h, w := nn.Dims4(x)
	plane := h * w
	mean, invStd := k.normaliser(x)
	gamma := nn.Data(in[1])
	xs, gs := nn.Data(x), nn.Data(grad)
	dx, dgamma, dbeta := zerosLike(x), zerosLike(in[1]), zerosLike(in[2])
	dxs, dg, db := nn.Data(dx), nn.Data(dgamma), nn.Data(dbeta)
	m := float64(n * plane)
	nn.For(c, 1, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			mu, is := mean[ch], invStd[ch]
			var sumG, sumGX float64 // sum(dy), sum(dy * xhat)
			for b := 0; b < n; b++ {
				off := (b*c + ch) * plane
				for i, g := range gs[off : off+plane] {
					sumG += float64(g)
					sumGX += float64(g) * (float64(xs[off+i]) - mu) * is
				}
			}
			dg[ch], db[ch] = float32(sumGX), float32(sumG)
			scale := float64(gamma[ch]) * is
			for b := 0; b < n; b++ {
				off := (b*c + ch) * plane
				for i, g := range gs[off : off+plane] {
					if !k.Train {
						dxs[off+i] = float32(float64(g) * scale)
						continue
					}
					xhat := (float64(xs[off+i]) - mu) * is
					dxs[off+i] = float32(scale * (float64(g) - sumG/m - xhat*sumGX/m))
				}
			}
		}
	})
	grads := make([]*tensor.Dense, len(in))
	grads[0], grads[1], grads[2] = dx, dgamma, dbeta
	return grads, nil
}
