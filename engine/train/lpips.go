package train

import (
	"fmt"
	"math/rand"

	G "gorgonia.org/gorgonia"

	"tessera/engine/nn"
	"tessera/engine/train/ops"
	"tessera/engine/weights"
)

// LPIPS is the perceptual distance of taming's VQGAN objective: VGG16
// features of both images, compared layer by layer through fixed weights.
// Everything is frozen; only the images get gradients.
type LPIPS struct {
	slices [5]*ops.VGGSlice
	lins   [5][]float32
}

// vggConv is one 3x3 convolution of the VGG16 trunk: its module index in
// torchvision's vgg16().features and its widths.
type vggConv struct{ index, in, out int }

// lpipsTrunk is taming's split of VGG16's features into the slices ending
// at relu1_2, relu2_2, relu3_3, relu4_3 and relu5_3. Slices after the first
// begin with a max pool (features 4, 9, 16 and 23).
var lpipsTrunk = [5][]vggConv{
	{{0, 3, 64}, {2, 64, 64}},
	{{5, 64, 128}, {7, 128, 128}},
	{{10, 128, 256}, {12, 256, 256}, {14, 256, 256}},
	{{17, 256, 512}, {19, 512, 512}, {21, 512, 512}},
	{{24, 512, 512}, {26, 512, 512}, {28, 512, 512}},
}

// LoadLPIPS reads LPIPS's weights under prefix ("loss.perceptual_loss." in a
// taming VQGAN training checkpoint): the trunk net.slice1..5.<index>.weight
// and .bias, and the layer weights lin0..4.model.1.weight.
func LoadLPIPS(src weights.Source, prefix string) (*LPIPS, error) {
	ld := weights.NewLoader(src, prefix)
	var convs [5][]*nn.Conv2d
	var lins [5][]float32
	for s, layers := range lpipsTrunk {
		for _, c := range layers {
			key := fmt.Sprintf("net.slice%d.%d.", s+1, c.index)
			convs[s] = append(convs[s], &nn.Conv2d{
				Weight: ld.Get(key+"weight", c.out, c.in, 3, 3), Bias: ld.Get(key+"bias", c.out),
				Out: c.out, In: c.in, KH: 3, KW: 3, Stride: 1, Pad: nn.Same(1), NoWinograd: true,
			})
		}
		lins[s] = ld.Get(fmt.Sprintf("lin%d.model.1.weight", s), 1, layers[len(layers)-1].out, 1, 1)
	}
	if err := ld.Err(); err != nil {
		return nil, fmt.Errorf("train: LPIPS: %w", err)
	}
	l := &LPIPS{lins: lins}
	for s := range convs {
		vs, err := ops.NewVGGSlice(s > 0, convs[s]...)
		if err != nil {
			return nil, fmt.Errorf("train: LPIPS slice %d: %w", s+1, err)
		}
		l.slices[s] = vs
	}
	return l, nil
}

// Distance adds LPIPS(x, y) for RGB batches [B, 3, H, W] in [-1, 1] to
// x's graph, one value per sample ([B]). With dropout set, the layer
// weights see taming's train-mode dropout, masks drawn from it; nil is
// evaluation mode. Images of other shapes are a programming error (panic).
func (l *LPIPS) Distance(x, y *G.Node, dropout *rand.Rand) *G.Node {
	h0, h1 := ops.ScalingLayer(x), ops.ScalingLayer(y)
	terms := make([]*G.Node, len(l.slices))
	for i, s := range l.slices {
		h0, h1 = ops.VGG(h0, s), ops.VGG(h1, s)
		terms[i] = ops.LPIPSHead(h0, h1, l.lins[i], dropout)
	}
	return ops.Add(terms...)
}
