package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"time"

	"tessera/engine/ckpt"
	"tessera/engine/data"
	"tessera/engine/imgio"
	"tessera/engine/train/optim"
)

// Progress is what a run reports after each optimisation step.
type Progress struct {
	Step, Steps int                // steps done, and the run's total
	Logs        map[string]float64 // the step's logged values (taming's names, plus lr, perplexity, ...)
	Elapsed     time.Duration      // since this session of the run started
	Remaining   time.Duration      // estimated
	Note        string             // a one-off message: a checkpoint saved, a fresh discriminator, ...
	Picture     string             // a progress picture written at this step (a PNG path), or ""
}

// Result says where a run left its model.
type Result struct {
	Model string // the Tessera file holding the model and its training state
	Steps int    // steps done
}

// ErrInterrupted is returned (wrapped) when the context ends a run early; the
// run has saved a checkpoint that --resume continues.
var ErrInterrupted = errors.New("training interrupted")

// ModelFile is the name of a run's model inside its --out folder.
const ModelFile = "model.safetensors"

// Run trains as opt says, reporting after every step. A run ended by ctx
// saves first and returns ErrInterrupted; --resume continues it exactly.
func Run(ctx context.Context, opt Options, report func(Progress)) (*Result, error) {
	r, err := prepare(opt)
	if err != nil {
		return nil, err
	}
	defer r.close()
	for _, n := range r.notes {
		report(Progress{Step: r.start, Steps: r.opt.Steps, Note: n})
	}
	return r.loop(ctx, report)
}

// session is one run in progress.
type session struct {
	opt     Options
	set     *data.Set
	sampler data.Sampler
	crop    data.Crop
	st      stage
	start   int // the first step to run
	lr      float64
	ema     *optim.EMA
	frozen  map[string]*ckpt.Data // untrained tensors saved with the model
	taming  tamingExtra           // what an export to taming needs
	notes   []string
	log     io.WriteCloser
	closers []io.Closer
}

func (r *session) close() {
	if r.log != nil {
		r.log.Close()
	}
	for _, c := range r.closers {
		c.Close()
	}
}

func (r *session) modelPath() string { return filepath.Join(r.opt.Out, ModelFile) }

func (r *session) loop(ctx context.Context, report func(Progress)) (*Result, error) {
	began := time.Now()
	acc := r.opt.Accumulate
	unit, per := r.st.unit()
	for step := r.start; step < r.opt.Steps; step++ {
		if ctx.Err() != nil {
			return r.interrupted(step, report)
		}
		t0 := time.Now()
		logs := map[string]float64{}
		var batch []*data.Example
		for m := 0; m < acc; m++ {
			k := step*acc + m
			var err error
			if batch, err = r.load(k); err != nil {
				return nil, err
			}
			got, err := r.st.micro(batch, step, 1/float32(acc), m == acc-1)
			if err != nil {
				return nil, err
			}
			for name, v := range got {
				logs[name] += v / float64(acc)
			}
		}
		logs["lr"] = r.lr
		if h := r.st.health(); h != nil {
			logs["perplexity"], logs["codebook_usage"] = h.stats()
		}
		logs[unit+"_per_s"] = float64(per*acc) / time.Since(t0).Seconds()
		if err := r.writeLog(step, logs); err != nil {
			return nil, err
		}
		done := step + 1
		p := Progress{Step: done, Steps: r.opt.Steps, Logs: logs, Elapsed: time.Since(began)}
		p.Remaining = time.Duration(float64(p.Elapsed) / float64(done-r.start) * float64(r.opt.Steps-done))
		if pictureDue(done, r.opt.ImageEvery) {
			path, err := r.savePicture(done, batch)
			if err != nil {
				return nil, err
			}
			p.Picture = path
		}
		if done%r.opt.SaveEvery == 0 && done < r.opt.Steps {
			if err := r.save(done); err != nil {
				return nil, err
			}
			p.Note = "saved " + r.modelPath()
		}
		report(p)
	}
	if err := r.save(r.opt.Steps); err != nil {
		return nil, err
	}
	return &Result{Model: r.modelPath(), Steps: r.opt.Steps}, nil
}

func (r *session) interrupted(step int, report func(Progress)) (*Result, error) {
	if err := r.save(step); err != nil {
		return nil, fmt.Errorf("train: interrupted at step %d, and saving failed: %w", step, err)
	}
	report(Progress{Step: step, Steps: r.opt.Steps, Note: "saved " + r.modelPath()})
	return &Result{Model: r.modelPath(), Steps: step}, fmt.Errorf("%w at step %d of %d; saved %s (continue with --resume %s)", ErrInterrupted, step, r.opt.Steps, r.modelPath(), r.opt.Out)
}

// load reads micro-batch k.
func (r *session) load(k int) ([]*data.Example, error) {
	idx := r.sampler.Indices(k)
	batch := make([]*data.Example, len(idx))
	for j, i := range idx {
		ex, err := r.set.Load(i, r.crop, r.opt.Seed, k, j)
		if err != nil {
			return nil, err
		}
		batch[j] = ex
	}
	return batch, nil
}

// pictureDue is true at steps 1, 2, 4, 8, ... below every, then at every
// multiple of every.
func pictureDue(done, every int) bool {
	if done%every == 0 {
		return true
	}
	return done < every && bits.OnesCount(uint(done)) == 1
}

func (r *session) savePicture(done int, batch []*data.Example) (string, error) {
	img, err := r.st.picture(batch)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(r.opt.Out, "images")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("train: %w", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("step-%06d.png", done))
	return path, imgio.SavePNG(path, img, map[string]string{"tessera.step": fmt.Sprint(done)})
}

// writeLog appends one JSON line: the step the losses used, then the values.
func (r *session) writeLog(step int, logs map[string]float64) error {
	if r.log == nil {
		return nil
	}
	line := map[string]any{"step": step}
	for k, v := range logs {
		line[k] = v
	}
	raw, err := json.Marshal(line)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if _, err := r.log.Write(append(raw, '\n')); err != nil {
		return fmt.Errorf("train: writing the log: %w", err)
	}
	return nil
}
