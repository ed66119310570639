// Package optim holds the optimizers of Tessera's trainer: PyTorch's Adam and
// AdamW, step for step in the same float32 arithmetic, as gorgonia solvers
// over named parameters, plus gradient-norm clipping and a moving average of
// the weights.
package optim

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

// Param is a named trainable tensor and the gradient of its last step. It is
// a gorgonia ValueGrad, so solvers step it like any gorgonia parameter.
type Param struct {
	Name     string
	Data     *tensor.Dense
	Gradient *tensor.Dense // the gradient the next Step applies; nil means zero
	Decay    bool          // in AdamW's weight-decay group
}

// Value implements gorgonia's ValueGrad.
func (p *Param) Value() G.Value { return p.Data }

// Grad implements gorgonia's ValueGrad.
func (p *Param) Grad() (G.Value, error) {
	if p.Gradient == nil {
		return nil, fmt.Errorf("optim: %s has no gradient", p.Name)
	}
	return p.Gradient, nil
}

// Floats is the parameter's data.
func (p *Param) Floats() []float32 { return p.Data.Data().([]float32) }

// GradFloats is the gradient's data, or nil.
func (p *Param) GradFloats() []float32 {
	if p.Gradient == nil {
		return nil
	}
	return p.Gradient.Data().([]float32)
}

// Adam is torch.optim.Adam, or AdamW when WeightDecay is set (decoupled
// decay, applied only to parameters with Decay). Steps counts the updates
// made, including those whose gradients were all zero: PyTorch advances
// its step count then too, and the bias corrections depend on it.
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	WeightDecay           float64
	Steps                 int
	// Moments by parameter name: first (exp_avg) and second (exp_avg_sq).
	M, V map[string][]float32
}

// NewAdam returns Adam with PyTorch's eps of 1e-8.
func NewAdam(lr, beta1, beta2 float64) *Adam {
	return &Adam{LR: lr, Beta1: beta1, Beta2: beta2, Eps: 1e-8, M: map[string][]float32{}, V: map[string][]float32{}}
}

// NewAdamW returns AdamW with the given decoupled weight decay.
func NewAdamW(lr, beta1, beta2, weightDecay float64) *Adam {
	a := NewAdam(lr, beta1, beta2)
	a.WeightDecay = weightDecay
	return a
}

// Step implements gorgonia's Solver: one update of every parameter, which
// must be *Param. A parameter without a gradient is updated as if its
// gradient were zero, as PyTorch does for a parameter whose .grad is a zero
// tensor.
func (a *Adam) Step(params []G.ValueGrad) error {
	a.Steps++
	t := float64(a.Steps)
	stepSize := float32(a.LR / (1 - math.Pow(a.Beta1, t)))
	bc2 := float32(math.Sqrt(1 - math.Pow(a.Beta2, t)))
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	eps, decay := float32(a.Eps), float32(1-a.LR*a.WeightDecay)
	for _, vg := range params {
		p, ok := vg.(*Param)
		if !ok {
			return fmt.Errorf("optim: Adam steps *optim.Param, got %T", vg)
		}
		w, g := p.Floats(), p.GradFloats()
		m, v := a.moments(p.Name, len(w))
		decays := p.Decay && a.WeightDecay != 0
		// Elements are independent, so splitting them across cores gives
		// the same bits as one loop.
		nn.For(len(w), 1<<15, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if decays {
					w[i] *= decay
				}
				var gi float32
				if g != nil {
					gi = g[i]
				}
				m[i] = m[i]*b1 + gi*(1-b1)
				v[i] = v[i]*b2 + gi*gi*(1-b2)
				denom := float32(math.Sqrt(float64(v[i])))/bc2 + eps
				w[i] += -stepSize * m[i] / denom
			}
		})
	}
	return nil
}

func (a *Adam) moments(name string, n int) ([]float32, []float32) {
	m, ok := a.M[name]
	if !ok || len(m) != n {
		m = make([]float32, n)
		a.M[name] = m
	}
	v, ok := a.V[name]
	if !ok || len(v) != n {
		v = make([]float32, n)
		a.V[name] = v
	}
	return m, v
}

// ClipGradNorm scales every gradient down so their joint L2 norm is at
// most max, as torch.nn.utils.clip_grad_norm_ does, and returns the norm
// before clipping.
func ClipGradNorm(params []*Param, max float64) float64 {
	var sum float64
	for _, p := range params {
		for _, g := range p.GradFloats() {
			sum += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sum)
	if coef := max / (norm + 1e-6); coef < 1 {
		c := float32(coef)
		for _, p := range params {
			g := p.GradFloats()
			for i := range g {
				g[i] *= c
			}
		}
	}
	return norm
}

// EMA is an exponential moving average of parameters, by name.
type EMA struct {
	Decay  float64
	Shadow map[string][]float32
}

// NewEMA starts an average with the given decay (0.999 is usual).
func NewEMA(decay float64) *EMA { return &EMA{Decay: decay, Shadow: map[string][]float32{}} }

// Update folds the parameters' current values into the average; a parameter
// seen for the first time starts the average at its value.
func (e *EMA) Update(params []*Param) {
	d := float32(e.Decay)
	for _, p := range params {
		w := p.Floats()
		s, ok := e.Shadow[p.Name]
		if !ok {
			e.Shadow[p.Name] = append([]float32(nil), w...)
			continue
		}
		for i := range s {
			s[i] = d*s[i] + (1-d)*w[i]
		}
	}
}
