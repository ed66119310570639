package pipeline

import (
	"fmt"
	"math"
	"runtime/debug"

	"tessera/engine/model"
	"tessera/engine/vqgan"
)

// The memory budget: what one operation may plan to use before it starts.
// It is GOMEMLIMIT when that is set (read as the process starts, before
// holdHeap lowers the limit for a while), else three quarters of the
// machine's memory (or of the cgroup's limit, when lower), else 4 GiB.
// Sizes are estimated with saturating arithmetic, so no request, however
// large, overflows into a small estimate.
var startLimit = debug.SetMemoryLimit(-1)

// budgetOverride, when positive, replaces the budget (tests).
var budgetOverride int64

// MemoryBudget returns the budget in bytes and where it comes from.
func MemoryBudget() (int64, string) {
	switch {
	case budgetOverride > 0:
		return budgetOverride, "the test's budget"
	case startLimit > 0 && startLimit < math.MaxInt64:
		return startLimit, "GOMEMLIMIT"
	}
	if total := machineMemory(); total > 0 {
		return total / 4 * 3, "3/4 of this machine's memory; set GOMEMLIMIT for another budget"
	}
	return 4 << 30, "the default when the machine's memory is unknown; set GOMEMLIMIT for another"
}

// CheckMemory refuses work estimated to need more than the budget; what
// names the work ("sampling 2 grids of 64x64 tokens").
func CheckMemory(what string, need int64) error {
	budget, source := MemoryBudget()
	if need <= budget {
		return nil
	}
	return fmt.Errorf("pipeline: %s needs about %s of memory, more than the budget of %s (%s)", what, FormatBytes(need), FormatBytes(budget), source)
}

// FormatBytes writes a size in binary units.
func FormatBytes(n int64) string {
	if n == math.MaxInt64 {
		return "more than 8 EiB"
	}
	const units = "KMGTPE"
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	v, i := float64(n)/1024, 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, units[i])
}

// mul multiplies non-negative sizes, saturating at math.MaxInt64.
func mul(xs ...int64) int64 {
	p := int64(1)
	for _, x := range xs {
		if x <= 0 {
			return 0
		}
		if p > math.MaxInt64/x {
			return math.MaxInt64
		}
		p *= x
	}
	return p
}

// add adds non-negative sizes, saturating at math.MaxInt64.
func add(xs ...int64) int64 {
	s := int64(0)
	for _, x := range xs {
		if x > math.MaxInt64-s {
			return math.MaxInt64
		}
		s += x
	}
	return s
}

// DecodeBytes estimates the peak memory of decoding a w×h grid to an
// image, whole or in tiles as Decode chooses: the decoder's own working
// memory, the float output and the image.
func DecodeBytes(fs *vqgan.Model, w, h int, opt DecodeOptions) int64 {
	budget := opt.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	f := int64(fs.Config.Factor())
	px := mul(int64(w), int64(h), f, f)
	out := mul(px, 4*int64(fs.Config.DD.OutCh)+4) // the float output and the image
	if whole := wholeDecodeBytes(fs, int64(w), int64(h)); whole <= budget {
		return add(whole, out)
	}
	t := fs.DefaultTiling()
	tile := wholeDecodeBytes(fs, int64(t.Tile), int64(t.Tile))
	// The latent, with a circular margin, and the blending weights.
	latent := mul(int64(w+2*t.Overlap), int64(h+2*t.Overlap), 4*int64(fs.Config.EmbedDim)+8)
	return add(tile, latent, out, mul(px, 4))
}

// wholeDecodeBytes is WholeDecodeBytes in saturating arithmetic.
func wholeDecodeBytes(fs *vqgan.Model, w, h int64) int64 {
	f := int64(fs.Config.Factor())
	ch0 := int64(fs.Config.DD.Ch * fs.Config.DD.ChMult[0])
	cells := mul(w, h)
	return add(mul(4*4, ch0, cells, f, f), mul(8, cells, cells))
}

// EncodeBytes estimates the peak memory of encoding a w×h input with a
// first or cond stage (the input already cropped to the downsampling
// factor): the encoder's own (vqgan.Model.EncodeBytes, attention in blocks
// included), the prepared image (4 bytes a pixel) and extra bytes a pixel
// that the caller holds besides (a label map, a one-hot copy).
func EncodeBytes(fs *vqgan.Model, w, h int, extraPerPixel int64) int64 {
	return add(fs.EncodeBytes(w, h), mul(int64(max(w, 0)), int64(max(h, 0)), 4+extraPerPixel))
}

// SampleBytes estimates the memory of sampling count grids of w×h tokens
// and decoding them: the grids, the transformer's key/value cache and
// work buffers for the batch, every result image (all are kept), and one
// decode at a time.
func SampleBytes(m *model.Model, w, h, count int, opt DecodeOptions) int64 {
	cells := mul(int64(w), int64(h))
	n := int64(max(count, 1))
	grids := add(mul(n, cells, 8), mul(cells, 9)) // the grids, the mask and a condition grid
	var gpt int64
	if t := m.Transformer; t != nil {
		c := t.Config
		e := int64(m.Window())
		seq := add(mul(e, e, 2), 1) // condition and window, an upper bound
		gpt = add(
			mul(2, int64(c.NLayer), n, seq, int64(c.NEmbd), 4), // keys and values
			mul(n, seq, 10*int64(c.NEmbd), 4),                  // activations and scratch
			mul(n, seq, seq, 4),                                // attention scores
			mul(n, seq, int64(c.VocabSize), 4),                 // logits
		)
	}
	fs := m.FirstStage
	f := int64(fs.Config.Factor())
	images := mul(n, cells, f, f, 4)
	return add(grids, gpt, images, DecodeBytes(fs, w, h, opt))
}

// checkRequest validates a sampling request's numbers and its estimated
// memory before any work.
func checkRequest(m *model.Model, w, h int, req SampleRequest) error {
	o := req.Options
	if err := o.Filter.Validate(); err != nil {
		return err
	}
	switch {
	case w < 0 || h < 0:
		return fmt.Errorf("pipeline: a grid of %dx%d tokens: sizes must be positive", w, h)
	case o.Count < 0:
		return fmt.Errorf("pipeline: a count of %d: it must be positive", o.Count)
	case o.Stride < 0:
		return fmt.Errorf("pipeline: a stride of %d: it must be positive", o.Stride)
	}
	n := max(o.Count, 1)
	what := fmt.Sprintf("sampling %d grid of %dx%d tokens", n, w, h)
	if n > 1 {
		what = fmt.Sprintf("sampling %d grids of %dx%d tokens", n, w, h)
	}
	return CheckMemory(what, SampleBytes(m, w, h, n, req.Decode))
}
