package train

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"tessera/engine/ckpt"
	"tessera/engine/model"
	"tessera/engine/train/optim"
)

// A run's checkpoint is a Tessera model file: the model's tensors under
// taming's keys (the loss networks included), its description, and the
// training state under keys starting with "train." and in metadata, which
// the model loaders skip.
const (
	metaOptions = "tessera.train"  // the run's Options, JSON
	metaStep    = "tessera.step"   // optimisation steps done
	metaTaming  = "tessera.taming" // tamingExtra, JSON
	metaOptim   = "tessera.optim." // + name + ".steps": an optimizer's step count

	stateOpt      = "train.opt." // + name + ".m." / ".v." + key: Adam's moments
	stateEMA      = "train.ema." // + key: the weight average
	stateLastUsed = "train.codebook.last_used"
	stateWindow   = "train.codebook.window"       // the recent codes, concatenated
	stateWindowN  = "train.codebook.window_sizes" // how many codes each recent step had
)

// tamingExtra is what a taming config needs beyond the model description:
// the learning rate base and extra model params (lossconfig, n_labels,
// pkeep), and the model's target when the description alone does not tell.
type tamingExtra struct {
	Target           string         `json:"target,omitempty"`
	BaseLearningRate float64        `json:"base_learning_rate"`
	Params           map[string]any `json:"params,omitempty"`
}

// save writes the run's model and state after done steps.
func (r *session) save(done int) error {
	if err := os.MkdirAll(r.opt.Out, 0o755); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	tensors := map[string]*ckpt.Data{}
	for k, v := range r.frozen {
		tensors[k] = v
	}
	for _, g := range r.st.groups() {
		for _, p := range g.List() {
			tensors[p.Name] = &ckpt.Data{Shape: p.Data.Shape(), F32: p.Floats()}
		}
	}
	for k, v := range r.st.extra() {
		tensors[k] = v
	}
	meta := map[string]string{metaStep: strconv.Itoa(done)}
	for name, opt := range r.st.optimizers() {
		meta[metaOptim+name+".steps"] = strconv.Itoa(opt.Steps)
		for key, m := range opt.M {
			tensors[stateOpt+name+".m."+key] = vector(m)
			tensors[stateOpt+name+".v."+key] = vector(opt.V[key])
		}
	}
	if r.ema != nil {
		for key, s := range r.ema.Shadow {
			tensors[stateEMA+key] = vector(s)
		}
	}
	if h := r.st.health(); h != nil {
		h.save(tensors)
	}
	opts, err := json.Marshal(r.opt)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	extra, err := json.Marshal(r.taming)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	meta[metaOptions], meta[metaTaming] = string(opts), string(extra)
	if err := model.SaveCheckpoint(r.modelPath(), r.st.spec(), tensors, meta); err != nil {
		return fmt.Errorf("train: saving %s: %w", r.modelPath(), err)
	}
	return nil
}

func vector(v []float32) *ckpt.Data { return &ckpt.Data{Shape: []int{len(v)}, F32: v} }

func ints(v []int) *ckpt.Data {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return &ckpt.Data{Shape: []int{len(v)}, I64: out}
}

func (h *codebookHealth) save(tensors map[string]*ckpt.Data) {
	tensors[stateLastUsed] = ints(h.lastUsed)
	var all, sizes []int
	for _, codes := range h.window {
		all = append(all, codes...)
		sizes = append(sizes, len(codes))
	}
	tensors[stateWindow], tensors[stateWindowN] = ints(all), ints(sizes)
}

// restoreHealth reads the codebook's history back from a checkpoint.
func (h *codebookHealth) restore(f *ckpt.File) error {
	last, err := readInts(f, stateLastUsed)
	if err != nil {
		return err
	}
	if len(last) != h.n {
		return fmt.Errorf("train: %s: %s has %d entries for a codebook of %d", f.Path, stateLastUsed, len(last), h.n)
	}
	all, err := readInts(f, stateWindow)
	if err != nil {
		return err
	}
	sizes, err := readInts(f, stateWindowN)
	if err != nil {
		return err
	}
	h.lastUsed, h.window = last, nil
	for _, n := range sizes {
		if n > len(all) {
			return fmt.Errorf("train: %s: the codebook window is shorter than its sizes say", f.Path)
		}
		h.window, all = append(h.window, all[:n]), all[n:]
	}
	return nil
}

func readInts(f *ckpt.File, key string) ([]int, error) {
	t, ok := f.Tensors[key]
	if !ok {
		return nil, fmt.Errorf("train: %s has no %s: not a Tessera training checkpoint", f.Path, key)
	}
	v, err := t.Int64()
	if err != nil {
		return nil, err
	}
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out, nil
}

// restoreOptimizer reads Adam's moments and step count under name, for the
// parameters of the given groups.
func restoreOptimizer(f *ckpt.File, name string, opt *optim.Adam, groups ...*Params) error {
	steps, err := strconv.Atoi(f.Metadata[metaOptim+name+".steps"])
	if err != nil {
		return fmt.Errorf("train: %s: no step count for optimizer %s: not a Tessera training checkpoint", f.Path, name)
	}
	opt.Steps = steps
	for _, g := range groups {
		for _, p := range g.List() {
			for _, part := range []struct {
				suffix string
				into   map[string][]float32
			}{{".m.", opt.M}, {".v.", opt.V}} {
				t, ok := f.Tensors[stateOpt+name+part.suffix+p.Name]
				if !ok {
					if steps == 0 {
						continue
					}
					return fmt.Errorf("train: %s: no optimizer state for %s", f.Path, p.Name)
				}
				v, err := t.Float32()
				if err != nil {
					return err
				}
				if len(v) != len(p.Floats()) {
					return fmt.Errorf("train: %s: optimizer state for %s has %d values, the parameter %d", f.Path, p.Name, len(v), len(p.Floats()))
				}
				part.into[p.Name] = append([]float32(nil), v...)
			}
		}
	}
	return nil
}

// restoreEMA reads the weight average, if the run kept one.
func restoreEMA(f *ckpt.File, ema *optim.EMA) error {
	for key, t := range f.Tensors {
		if !strings.HasPrefix(key, stateEMA) {
			continue
		}
		v, err := t.Float32()
		if err != nil {
			return err
		}
		ema.Shadow[strings.TrimPrefix(key, stateEMA)] = append([]float32(nil), v...)
	}
	return nil
}
