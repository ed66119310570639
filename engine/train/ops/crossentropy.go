package ops

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// CrossEntropyKernel is torch's F.cross_entropy with mean reduction: the
// mean over every row of logits [..., V] of -log softmax(row)[target].
// Targets points at one class id per row, filled by the caller before each
// run.
type CrossEntropyKernel struct{ Targets *[]int }

// CrossEntropy adds the mean cross-entropy of logits against targets, a
// scalar.
func CrossEntropy(logits *G.Node, targets *[]int) *G.Node {
	return Must(&CrossEntropyKernel{Targets: targets}, logits)
}

func (k *CrossEntropyKernel) Name() string { return "cross_entropy" }

func (k *CrossEntropyKernel) Shape(in []tensor.Shape) (tensor.Shape, error) {
	if len(in) != 1 || in[0].Dims() < 1 {
		return nil, fmt.Errorf("want one logits tensor [..., V], got %v", in)
	}
	return tensor.ScalarShape(), nil
}

func (k *CrossEntropyKernel) Differentiable(inputs int) []bool { return all(inputs) }

// targets checks the current targets against logits of the given shape.
func (k *CrossEntropyKernel) targets(s tensor.Shape) ([]int, int, error) {
	v := s[s.Dims()-1]
	rows := s.TotalSize() / v
	tg := *k.Targets
	if len(tg) != rows {
		return nil, 0, fmt.Errorf("%d targets for %d rows of logits %v", len(tg), rows, s)
	}
	for i, c := range tg {
		if c < 0 || c >= v {
			return nil, 0, fmt.Errorf("target %d of row %d is outside the classes 0..%d", c, i, v-1)
		}
	}
	return tg, v, nil
}

func (k *CrossEntropyKernel) Forward(in []*tensor.Dense) (*tensor.Dense, error) {
	tg, v, err := k.targets(in[0].Shape())
	if err != nil {
		return nil, err
	}
	x := nn.Data(in[0])
	losses := make([]float64, len(tg))
	nn.For(len(tg), 16, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := x[r*v : (r+1)*v]
			m := float32(math.Inf(-1))
			for _, e := range row {
				m = max(m, e)
			}
			var s float64
			for _, e := range row {
				s += float64(nn.Exp32(e - m))
			}
			losses[r] = float64(m) + math.Log(s) - float64(row[tg[r]])
		}
	})
	var sum float64
	for _, l := range losses {
		sum += l
	}
	return scalar(float32(sum / float64(len(tg)))), nil
}

// Backward: d/dlogits = (softmax(row) - onehot(target)) · dL / rows.
func (k *CrossEntropyKernel) Backward(in []*tensor.Dense, _, grad *tensor.Dense) ([]*tensor.Dense, error) {
	tg, v, err := k.targets(in[0].Shape())
	if err != nil {
		return nil, err
	}
	out := in[0].Clone().(*tensor.Dense)
	d := nn.Data(out)
	scale := nn.Data(grad)[0] / float32(len(tg))
	nn.For(len(tg), 16, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := d[r*v : (r+1)*v]
			nn.Softmax(row)
			row[tg[r]] -= 1
			for i := range row {
				row[i] *= scale
			}
		}
	})
	return []*tensor.Dense{out}, nil
}
