package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// Upsample2xKernel doubles the height and width of x [N, C, H, W] by
// repeating pixels, as interpolate(scale_factor=2, mode="nearest") does.
type Upsample2xKernel struct{}

// Upsample2x adds the nearest-neighbour 2x upsampling of x to the graph.
func Upsample2x(x *G.Node) *G.Node { return Must(Upsample2xKernel{}, x) }

func (Upsample2xKernel) Name() string { return "upsample2x" }

func (Upsample2xKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("want one input, got %d", len(in))
	}
	x := in[0]
	if x.Dims() != 4 {
		return nil, fmt.Errorf("want a 4-D input, got %v", x)
	}
	return tensor.Shape{x[0], x[1], 2 * x[2], 2 * x[3]}, nil
}

func (Upsample2xKernel) Differentiable(inputs int) []bool { return all(inputs) }

func (Upsample2xKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	n, c, h, w := nn.Dims4(in[0])
	out := newDense(false, n, c, 2*h, 2*w)
	nn.UpsampleNearest2xTo(out, in[0])
	return out, nil
}

// Backward sums each 2x2 block of the output gradient, adding its four
// values in the order PyTorch's upsample_nearest2d_backward visits them.
func (Upsample2xKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	n, c, h, w := nn.Dims4(in[0])
	dx := emptyLike(in[0])
	g, d := nn.Data(grad), nn.Data(dx)
	ow := 2 * w
	nn.For(n*c, 1, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			src, dst := g[p*4*h*w:(p+1)*4*h*w], d[p*h*w:(p+1)*h*w]
			for y := 0; y < h; y++ {
				top, bottom, row := src[2*y*ow:(2*y+1)*ow], src[(2*y+1)*ow:(2*y+2)*ow], dst[y*w:(y+1)*w]
				for x := range row {
					row[x] = top[2*x] + top[2*x+1] + bottom[2*x] + bottom[2*x+1]
				}
			}
		}
	})
	return []*tensor.Dense{dx}, nil
}
