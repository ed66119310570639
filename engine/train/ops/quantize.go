package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
	"tessera/engine/vqgan"
)

// The training path of taming's VectorQuantizer2 (taming-spec 1.6): the
// nearest codebook entry at each position of z [B, D, H, W], chosen exactly
// as inference chooses it (vqgan.Nearest), passed on with the
// straight-through estimator, and the codebook loss as its own scalar.

// QuantizeKernel is z_q = z + sg(nearest(z) - z): inputs z and the codebook
// [n, D]. Its gradient passes to z unchanged; the codebook gets none (it
// learns from VQLoss).
type QuantizeKernel struct {
	// Codes, when not nil, receives the chosen entries (raster order b, y,
	// x) on every forward pass.
	Codes *[]int
}

// Quantize adds the straight-through quantisation of z to the graph; codes
// may be nil.
func Quantize(z, codebook *G.Node, codes *[]int) *G.Node {
	return Must(&QuantizeKernel{Codes: codes}, z, codebook)
}

func (k *QuantizeKernel) Name() string { return "quantize" }

func (k *QuantizeKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if err := checkQuantizerInputs(in); err != nil {
		return nil, err
	}
	return in[0].Clone(), nil
}

func checkQuantizerInputs(in []tensor.Shape) error {
	if len(in) != 2 {
		return fmt.Errorf("want z and the codebook, got %d inputs", len(in))
	}
	z, e := in[0], in[1]
	if z.Dims() != 4 || e.Dims() != 2 {
		return fmt.Errorf("want z [B, D, H, W] and codebook [n, D], got %v and %v", z, e)
	}
	if z[1] != e[1] {
		return fmt.Errorf("z %v has %d channels, codebook %v entries of %d", z, z[1], e, e[1])
	}
	return nil
}

func (k *QuantizeKernel) Differentiable(int) []bool { return []bool{true, false} }

func (k *QuantizeKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	idx := nearest(in)
	if k.Codes != nil {
		*k.Codes = idx
	}
	out := zerosLike(in[0])
	z, o, e := nn.Data(in[0]), nn.Data(out), nn.Data(in[1])
	forEntry(in[0], idx, func(i, j int) {
		// PyTorch's z + (z_q - z).detach(), rounded as it rounds.
		o[i] = z[i] + (e[j] - z[i])
	})
	return out, nil
}

func (k *QuantizeKernel) Backward(_ []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	return []*tensor.Dense{grad.Clone().(*tensor.Dense), nil}, nil
}

// nearest is the chosen entry per position for the inputs z, codebook.
func nearest(in []*tensor.Dense) []int {
	s := in[1].Shape()
	return vqgan.Nearest(in[0], nn.Data(in[1]), s[0], s[1])
}

// forEntry calls f(i, e) for every element i of z [B, D, H, W] with e the
// index, in the flat codebook, of the same channel of the entry chosen at
// that position. Channels run in parallel; each call for one channel
// touches only that channel's codebook column.
func forEntry(z *tensor.Dense, idx []int, f func(i, e int)) {
	b, d, h, w := nn.Dims4(z)
	hw := h * w
	nn.For(d, 1, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			for bi := 0; bi < b; bi++ {
				base := (bi*d + ch) * hw
				for p, row := range idx[bi*hw : (bi+1)*hw] {
					f(base+p, row*d+ch)
				}
			}
		}
	})
}

// VQLossKernel is VectorQuantizer2's codebook loss, a scalar, with zq the
// nearest entries and sg a stop-gradient:
//
//	legacy: mean((sg(zq) - z)^2) + beta * mean((zq - sg(z))^2)
//	else:   beta * mean((sg(zq) - z)^2) + mean((zq - sg(z))^2)
//
// Legacy is taming's default (beta on the codebook term, its quirk).
// Inputs z and the codebook; both get gradients.
type VQLossKernel struct {
	Beta   float32
	Legacy bool
}

// VQLoss adds the codebook loss of z against the codebook to the graph.
func VQLoss(z, codebook *G.Node, beta float32, legacy bool) *G.Node {
	return Must(&VQLossKernel{Beta: beta, Legacy: legacy}, z, codebook)
}

func (k *VQLossKernel) Name() string { return fmt.Sprintf("vq_loss(%g)", k.Beta) }

func (k *VQLossKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if err := checkQuantizerInputs(in); err != nil {
		return nil, err
	}
	return tensor.ScalarShape(), nil
}

func (k *VQLossKernel) Differentiable(inputs int) []bool { return all(inputs) }

// weights returns the weights of the commitment term (z's gradient) and
// the codebook term.
func (k *VQLossKernel) weights() (commit, book float32) {
	if k.Legacy {
		return 1, k.Beta
	}
	return k.Beta, 1
}

func (k *VQLossKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	idx := nearest(in)
	z, e := nn.Data(in[0]), nn.Data(in[1])
	_, d, _, _ := nn.Dims4(in[0])
	partial := make([]float64, d) // per channel, summed apart so channels run in parallel
	forEntry(in[0], idx, func(i, j int) {
		diff := float64(e[j] - z[i])
		partial[j%d] += diff * diff // j%d is the channel
	})
	var s float64
	for _, v := range partial {
		s += v
	}
	m := float32(s / float64(len(z)))
	// Both terms have the value m; the weights only tell the gradients apart.
	commit, book := k.weights()
	return scalar(commit*m + book*m), nil
}

func (k *VQLossKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	idx := nearest(in)
	dz, de := zerosLike(in[0]), zerosLike(in[1])
	z, e := nn.Data(in[0]), nn.Data(in[1])
	gz, ge := nn.Data(dz), nn.Data(de)
	commit, book := k.weights()
	g := nn.Data(grad)[0] / float32(len(z))
	cz, ce := 2*commit*g, 2*book*g
	forEntry(in[0], idx, func(i, j int) {
		diff := e[j] - z[i]
		gz[i] = -cz * diff
		ge[j] += ce * diff
	})
	return []*tensor.Dense{dz, de}, nil
}
