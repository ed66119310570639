package ops

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// randn returns a tensor of the given shape with values uniform in [-1, 1).
func randn(r *rand.Rand, shape ...int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.Float64()*2 - 1)
	}
	return nn.FromSlice(v, shape...)
}

// gradCheck compares a kernel's Backward with central finite differences of
// L = sum(R * f(inputs)) for a random R, at up to probes coordinates of every
// differentiable input. tol is relative to the largest gradient magnitude of
// that input.
func gradCheck(t *testing.T, k Kernel, tol float64, inputs ...*tensor.Dense) {
	t.Helper()
	r := rand.New(rand.NewSource(7))
	out, err := k.Forward(inputs)
	if err != nil {
		t.Fatalf("%s forward: %v", k.Name(), err)
	}
	weights := randn(r, out.Shape()...)
	grads, err := k.Backward(inputs, out, weights)
	if err != nil {
		t.Fatalf("%s backward: %v", k.Name(), err)
	}
	loss := func() float64 {
		o, err := k.Forward(inputs)
		if err != nil {
			t.Fatalf("%s forward: %v", k.Name(), err)
		}
		var s float64
		for i, v := range nn.Data(o) {
			s += float64(v) * float64(nn.Data(weights)[i])
		}
		return s
	}
	const probes = 40
	for i, diff := range k.Differentiable(len(inputs)) {
		if !diff {
			continue
		}
		if grads[i] == nil {
			t.Fatalf("%s: no gradient for input %d", k.Name(), i)
		}
		if !grads[i].Shape().Eq(inputs[i].Shape()) {
			t.Fatalf("%s: gradient of input %d has shape %v, input %v", k.Name(), i, grads[i].Shape(), inputs[i].Shape())
		}
		x, g := nn.Data(inputs[i]), nn.Data(grads[i])
		var scale float64
		for _, v := range g {
			scale = math.Max(scale, math.Abs(float64(v)))
		}
		if scale == 0 {
			t.Fatalf("%s: gradient of input %d is all zero", k.Name(), i)
		}
		for p := 0; p < probes && p < len(x); p++ {
			j := p
			if len(x) > probes {
				j = r.Intn(len(x))
			}
			orig := x[j]
			const eps = 1e-2
			x[j] = orig + eps
			up := loss()
			x[j] = orig - eps
			down := loss()
			x[j] = orig
			num := (up - down) / (2 * eps)
			if d := math.Abs(num - float64(g[j])); d > tol*scale {
				t.Errorf("%s: d/d in%d[%d]: backward %.6g, finite difference %.6g (scale %.3g)", k.Name(), i, j, g[j], num, scale)
			}
		}
	}
}
