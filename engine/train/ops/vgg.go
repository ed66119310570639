package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// VGGSlice is one slice of LPIPS's frozen VGG16 trunk: an optional 2x2
// stride-2 max pool, then 3x3 pad-1 convolutions with bias, each followed by
// ReLU. Its weights are not graph inputs; only the image gets a gradient.
// One VGGSlice serves any number of graph nodes (both images of LPIPS).
type VGGSlice struct {
	pool  bool
	convs []*nn.Conv2d
}

// NewVGGSlice makes a slice of the given convolutions, which must be 3x3,
// stride 1, pad 1, with bias, and chain their channels. Their weights must
// not change afterwards.
func NewVGGSlice(pool bool, convs ...*nn.Conv2d) (*VGGSlice, error) {
	if len(convs) == 0 {
		return nil, fmt.Errorf("ops: a VGG slice without convolutions")
	}
	s := &VGGSlice{pool: pool, convs: convs}
	for i, c := range convs {
		switch {
		case c.KH != 3 || c.KW != 3 || c.Stride != 1 || c.Pad != nn.Same(1):
			return nil, fmt.Errorf("ops: VGG conv %d is %dx%d stride %d pad %+v, want 3x3 stride 1 pad 1", i, c.KH, c.KW, c.Stride, c.Pad)
		case len(c.Weight) != c.Out*c.In*9 || len(c.Bias) != c.Out:
			return nil, fmt.Errorf("ops: VGG conv %d (%d -> %d channels) has %d weights and %d biases", i, c.In, c.Out, len(c.Weight), len(c.Bias))
		case i > 0 && c.In != convs[i-1].Out:
			return nil, fmt.Errorf("ops: VGG conv %d takes %d channels, conv %d gives %d", i, c.In, i-1, convs[i-1].Out)
		}
	}
	return s, nil
}

// VGG adds the slice s applied to x [N, C, H, W] to the graph.
func VGG(x *G.Node, s *VGGSlice) *G.Node { return Must(s.Kernel(), x) }

// Kernel returns a kernel for one graph node of the slice: each node keeps
// its own activations between its forward and backward passes.
func (s *VGGSlice) Kernel() Kernel { return &vggKernel{s: s} }

type vggKernel struct {
	s *VGGSlice
	// From the last forward pass, our own memory: the argmax of every pool
	// window (an index into its input plane) and the activations after each
	// ReLU but the last, whose mask the output itself gives.
	argmax []int32
	spare  []int32 // the memory of an argmax no longer needed
	acts   []*tensor.Dense
}

func (k *vggKernel) Name() string {
	c := k.s.convs
	return fmt.Sprintf("vgg(pool %v, %d convs, %d -> %d)", k.s.pool, len(c), c[0].In, c[len(c)-1].Out)
}

func (k *vggKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("want one input, got %d", len(in))
	}
	x := in[0]
	if x.Dims() != 4 || x[1] != k.s.convs[0].In {
		return nil, fmt.Errorf("want an [N, %d, H, W] input, got %v", k.s.convs[0].In, x)
	}
	h, w := x[2], x[3]
	if k.s.pool {
		h, w = h/2, w/2
	}
	if h < 1 || w < 1 {
		return nil, fmt.Errorf("input %v is too small to pool", x)
	}
	return tensor.Shape{x[0], k.s.convs[len(k.s.convs)-1].Out, h, w}, nil
}

func (k *vggKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (k *vggKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	return k.forward(in[0]), nil
}

func (k *vggKernel) forward(x *tensor.Dense) *tensor.Dense {
	k.dropActs()
	k.dropArgmax()
	h := x
	if k.s.pool {
		h, k.argmax = maxPool2(x, k.spare)
	}
	for i, c := range k.s.convs {
		y := vggConv(c, h)
		if i == 0 && k.s.pool {
			release(h) // the pooled input, ours
		}
		reluInPlace(nn.Data(y))
		if i < len(k.s.convs)-1 {
			k.acts = append(k.acts, y)
		}
		h = y
	}
	return h
}

// dropArgmax keeps the argmax's memory for the next forward pass.
func (k *vggKernel) dropArgmax() {
	if k.argmax != nil {
		k.spare, k.argmax = k.argmax, nil
	}
}

// dropActs gives the stashed activations back to the pool.
func (k *vggKernel) dropActs() {
	for _, a := range k.acts {
		release(a)
	}
	k.acts = nil
}

func (k *vggKernel) Backward(in []*tensor.Dense, out, grad *tensor.Dense) ([]*tensor.Dense, error) {
	x := in[0]
	recomputed := false
	if k.acts == nil && len(k.s.convs) > 1 || k.s.pool && k.argmax == nil {
		out = k.forward(x) // no forward pass of ours to take the activations from
		recomputed = true
	}
	// Every tensor in the chain but the result is scratch of ours.
	g := reluGrad(grad, out)
	if recomputed {
		release(out)
	}
	for i := len(k.s.convs) - 1; i >= 0; i-- {
		// Same padding: the data gradient has the gradient's size.
		c := k.s.convs[i]
		n, _, h, w := nn.Dims4(g)
		next := newDense(false, n, c.In, h, w)
		c.BackwardDataTo(next, g)
		release(g)
		g = next
		if i > 0 {
			next = reluGrad(g, k.acts[i-1])
			release(g)
			g = next
		}
	}
	if k.s.pool {
		next := maxPool2Backward(g, k.argmax, x.Shape())
		release(g)
		g = next
	}
	k.dropActs()
	k.dropArgmax()
	return []*tensor.Dense{g}, nil
}

// vggConv applies a 3x3 pad-1 convolution into fresh memory (nn's Forward may
// hand out a recycled buffer).
func vggConv(c *nn.Conv2d, x *tensor.Dense) *tensor.Dense {
	n, _, h, w := nn.Dims4(x)
	y := newDense(false, n, c.Out, h, w)
	c.ApplyTo(y, x, nil)
	return y
}

// reluInPlace clamps xs at zero in place.
func reluInPlace(xs []float32) {
	nn.For(len(xs), 1<<14, func(lo, hi int) { nn.ReLU(xs[lo:hi]) })
}

// reluGrad returns g where the ReLU output y is positive and 0 elsewhere, as
// PyTorch's threshold_backward does.
func reluGrad(g, y *tensor.Dense) *tensor.Dense {
	out := emptyLike(g)
	gs, ys, o := nn.Data(g), nn.Data(y), nn.Data(out)
	nn.For(len(gs), 1<<14, func(lo, hi int) { nn.Leaky(o[lo:hi], ys[lo:hi], gs[lo:hi], 0) })
	return out
}

// maxPool2 is a 2x2 stride-2 max pool (odd edges dropped), the argmax in
// spare's memory when it fits. Like PyTorch's CPU kernel it keeps the first
// maximum of a window in row-major order, which is where the backward pass
// sends the gradient.
func maxPool2(x *tensor.Dense, spare []int32) (*tensor.Dense, []int32) {
	n, c, h, w := nn.Dims4(x)
	oh, ow := h/2, w/2
	out := newDense(false, n, c, oh, ow)
	arg := spare[:0]
	if cap(arg) < n*c*oh*ow {
		arg = make([]int32, n*c*oh*ow)
	}
	arg = arg[:n*c*oh*ow]
	xs, ys := nn.Data(x), nn.Data(out)
	nn.For(n*c, 4, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			src := xs[p*h*w : (p+1)*h*w]
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					at := (2*oy)*w + 2*ox
					best, bi := src[at], at
					for _, j := range [3]int{at + 1, at + w, at + w + 1} {
						if v := src[j]; v > best || v != v {
							best, bi = v, j
						}
					}
					o := p*oh*ow + oy*ow + ox
					ys[o], arg[o] = best, int32(bi)
				}
			}
		}
	})
	return out, arg
}

// maxPool2Backward routes each pooled gradient to its window's argmax.
func maxPool2Backward(g *tensor.Dense, arg []int32, shape tensor.Shape) *tensor.Dense {
	n, c, h, w := shape[0], shape[1], shape[2], shape[3]
	_, _, oh, ow := nn.Dims4(g)
	dx := newDense(true, shape...)
	gs, d := nn.Data(g), nn.Data(dx)
	nn.For(n*c, 4, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			plane := d[p*h*w : (p+1)*h*w]
			for i := p * oh * ow; i < (p+1)*oh*ow; i++ {
				plane[arg[i]] += gs[i]
			}
		}
	})
	return dx
}

// ScalingKernel is LPIPS's ScalingLayer, (x - Shift[c]) / Scale[c] per
// channel of x [N, C, H, W], with frozen constants.
type ScalingKernel struct{ Shift, Scale []float32 }

// LPIPS's ScalingLayer constants, for images in [-1, 1].
var (
	lpipsShift = []float32{-.030, -.088, -.188}
	lpipsScale = []float32{.458, .448, .450}
)

// ScalingLayer adds LPIPS's input normalisation of an RGB batch to the graph.
func ScalingLayer(x *G.Node) *G.Node {
	return Must(ScalingKernel{Shift: lpipsShift, Scale: lpipsScale}, x)
}

func (ScalingKernel) Name() string { return "lpips_scaling" }

func (k ScalingKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("want one input, got %d", len(in))
	}
	if x := in[0]; x.Dims() != 4 || x[1] != len(k.Shift) || len(k.Scale) != len(k.Shift) {
		return nil, fmt.Errorf("want an [N, %d, H, W] input for %d shifts and %d scales, got %v", len(k.Shift), len(k.Shift), len(k.Scale), x)
	}
	return in[0].Clone(), nil
}

func (ScalingKernel) Differentiable(inputs int) []bool { return all(inputs) }

// Forward divides, as PyTorch does, rather than multiplying by 1/scale.
func (k ScalingKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	return k.perChannel(in[0], func(v float32, c int) float32 { return (v - k.Shift[c]) / k.Scale[c] }), nil
}

func (k ScalingKernel) Backward(_ []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	return []*tensor.Dense{k.perChannel(grad, func(g float32, c int) float32 { return g / k.Scale[c] })}, nil
}

func (k ScalingKernel) perChannel(x *tensor.Dense, f func(float32, int) float32) *tensor.Dense {
	n, c, h, w := nn.Dims4(x)
	out := zerosLike(x)
	xs, ys := nn.Data(x), nn.Data(out)
	plane := h * w
	for bc := 0; bc < n*c; bc++ {
		ch := bc % c
		for i := bc * plane; i < (bc+1)*plane; i++ {
			ys[i] = f(xs[i], ch)
		}
	}
	return out
}
