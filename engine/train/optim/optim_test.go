package optim

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func param(name string, decay bool, w, g []float32) *Param {
	p := &Param{Name: name, Data: tensor.New(tensor.WithShape(len(w)), tensor.WithBacking(w)), Decay: decay}
	if g != nil {
		p.Gradient = tensor.New(tensor.WithShape(len(g)), tensor.WithBacking(g))
	}
	return p
}

// The update follows PyTorch's formula; the expected values are that
// formula evaluated in float64 for two steps.
func TestAdamTwoSteps(t *testing.T) {
	for _, wd := range []float64{0, 0.01} {
		a := NewAdamW(1e-3, 0.9, 0.95, wd)
		w0 := []float32{0.5, -0.25, 2}
		grads := [][]float32{{0.1, -3, 0}, {-0.2, 1, 1e-3}}
		p := param("w", true, append([]float32(nil), w0...), nil)
		want := make([]float64, 3)
		m, v := make([]float64, 3), make([]float64, 3)
		for i := range want {
			want[i] = float64(w0[i])
		}
		for s, g := range grads {
			p.Gradient = tensor.New(tensor.WithShape(3), tensor.WithBacking(g))
			if err := a.Step([]G.ValueGrad{p}); err != nil {
				t.Fatal(err)
			}
			tt := float64(s + 1)
			for i := range want {
				want[i] *= 1 - 1e-3*wd
				m[i] = 0.9*m[i] + 0.1*float64(g[i])
				v[i] = 0.95*v[i] + 0.05*float64(g[i])*float64(g[i])
				want[i] -= 1e-3 / (1 - math.Pow(0.9, tt)) * m[i] / (math.Sqrt(v[i])/math.Sqrt(1-math.Pow(0.95, tt)) + 1e-8)
			}
		}
		for i, got := range p.Floats() {
			if math.Abs(float64(got)-want[i]) > 1e-6 {
				t.Errorf("wd %g: w[%d] = %.8f, want %.8f", wd, i, got, want[i])
			}
		}
	}
}

// A step without a gradient still counts: the next bias correction uses t=2.
func TestAdamCountsZeroGradientSteps(t *testing.T) {
	a := NewAdam(0.1, 0.5, 0.9)
	p := param("w", false, []float32{1}, nil)
	if err := a.Step([]G.ValueGrad{p}); err != nil {
		t.Fatal(err)
	}
	if p.Floats()[0] != 1 || a.Steps != 1 {
		t.Fatalf("a zero-gradient step moved w to %v (steps %d)", p.Floats()[0], a.Steps)
	}
	p.Gradient = tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{1}))
	if err := a.Step([]G.ValueGrad{p}); err != nil {
		t.Fatal(err)
	}
	m, v := 0.5, 0.1
	want := 1 - 0.1/(1-0.25)*m/(math.Sqrt(v)/math.Sqrt(1-0.81)+1e-8)
	if got := float64(p.Floats()[0]); math.Abs(got-want) > 1e-6 {
		t.Fatalf("w = %v, want %v", got, want)
	}
}

func TestClipGradNorm(t *testing.T) {
	a := param("a", false, []float32{0, 0}, []float32{3, 0})
	b := param("b", false, []float32{0}, []float32{4})
	if n := ClipGradNorm([]*Param{a, b}, 1); math.Abs(n-5) > 1e-9 {
		t.Fatalf("norm %v, want 5", n)
	}
	if g := a.GradFloats()[0]; math.Abs(float64(g)-0.6) > 1e-6 {
		t.Fatalf("clipped gradient %v, want 0.6", g)
	}
}

func TestEMA(t *testing.T) {
	e := NewEMA(0.9)
	p := param("w", false, []float32{1}, nil)
	e.Update([]*Param{p})
	p.Floats()[0] = 2
	e.Update([]*Param{p})
	if got := e.Shadow["w"][0]; math.Abs(float64(got)-1.1) > 1e-6 {
		t.Fatalf("average %v, want 1.1", got)
	}
}
