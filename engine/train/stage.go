package train

import (
	"fmt"
	"image"
	"math/rand"

	G "gorgonia.org/gorgonia"

	"tessera/engine/ckpt"
	"tessera/engine/data"
	"tessera/engine/model"
	"tessera/engine/train/optim"
)

// stage is what one kind of run trains: its networks, objective and
// optimizers.
type stage interface {
	// micro runs one micro-batch at global step step, adding scale times its
	// gradients; apply ends the optimisation step (clipping, the optimizers'
	// updates, the weight average). It returns the logged values.
	micro(batch []*data.Example, step int, scale float32, apply bool) (map[string]float64, error)
	// spec describes the model the run saves.
	spec() *model.Spec
	// groups are the parameter groups saved with the model, trained or not.
	groups() []*Params
	// optimizers by the names their state is saved under, and the groups
	// each steps.
	optimizers() map[string]*optim.Adam
	trainedGroups(optimizer string) []*Params
	// extra are integer buffers saved with the model (BatchNorm's batch
	// counts, ActNorm's initialized flags).
	extra() map[string]*ckpt.Data
	// health follows the codebook, for first stages; nil otherwise.
	health() *codebookHealth
	// picture shows the model's progress on a batch: reconstructions or
	// samples.
	picture(batch []*data.Example) (image.Image, error)
	// unit names what the speed counts: "images" or "tokens".
	unit() (string, int)
}

// updater applies optimisation steps: clipping, the optimizer, the moving
// average, and clearing the gradients for the next step.
type updater struct {
	clip float64
	ema  *optim.EMA
}

func (u *updater) apply(opt *optim.Adam, params []*optim.Param) error {
	if u.clip > 0 {
		optim.ClipGradNorm(params, u.clip)
	}
	vg := make([]G.ValueGrad, len(params))
	for i, p := range params {
		vg[i] = p
	}
	if err := opt.Step(vg); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if u.ema != nil {
		u.ema.Update(params)
	}
	zeroGrads(params)
	return nil
}

// stepRand is the random source of one step's draws (pkeep masks, dropout,
// restarts): a function of the seed, the step and a purpose, so a resumed
// run draws what an uninterrupted one would.
func stepRand(seed int64, step, micro int, purpose int64) *rand.Rand {
	return rand.New(rand.NewSource(seed*1_000_003 ^ int64(step)*7_919 ^ int64(micro)*104_729 ^ purpose<<40))
}

// Purposes of stepRand.
const (
	drawPKeep = iota + 1
	drawDropout
	drawRestart
)
