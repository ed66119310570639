package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"tessera/engine/model"
	"tessera/engine/train"
)

func init() {
	register(command{
		name: "train",
		args: "vqgan|cond|transformer|classifier --data DIR (--init MODEL | --config FILE.yaml | --preset NAME) --out DIR [flags]",
		summary: "train a first stage (vqgan), a segmentation cond stage (cond), a transformer or a pixel classifier " +
			"(classifier: images with --labels maps) on a folder of images, or continue a run with --resume DIR",
		run: runTrain,
	})
}

// optionalFloat and optionalInt are flags whose absence means "as the
// config says".
type optionalFloat struct{ v *float64 }

func (o *optionalFloat) String() string {
	if o.v == nil {
		return ""
	}
	return fmt.Sprint(*o.v)
}

func (o *optionalFloat) Set(s string) error {
	var v float64
	if _, err := fmt.Sscan(s, &v); err != nil {
		return fmt.Errorf("not a number: %q", s)
	}
	o.v = &v
	return nil
}

type optionalInt struct{ v *int }

func (o *optionalInt) String() string {
	if o.v == nil {
		return ""
	}
	return fmt.Sprint(*o.v)
}

func (o *optionalInt) Set(s string) error {
	var v int
	if _, err := fmt.Sscan(s, &v); err != nil {
		return fmt.Errorf("not an integer: %q", s)
	}
	o.v = &v
	return nil
}

func trainFlags(fs *flag.FlagSet, o *train.Options) (threads *int, pw *optionalFloat, ds *optionalInt, pkeep *optionalFloat) {
	fs.StringVar(&o.Data, "data", "", "`DIR` of training images (PNG, JPEG; searched recursively); for cond, of 8-bit label PNGs")
	fs.StringVar(&o.Labels, "labels", "", "transformer (segmentation models) and classifier: `LABELDIR` of 8-bit label PNGs at the images' relative paths")
	fs.StringVar(&o.Init, "init", "", "`MODEL` to start from (log directory, .ckpt or Tessera file); its step is not continued")
	fs.StringVar(&o.Config, "config", "", "taming YAML `FILE` describing a fresh model (classifier: model.target "+model.TargetClassifier+")")
	fs.StringVar(&o.Preset, "preset", "", "vqgan: a built-in size for a fresh first stage: "+presetNames())
	fs.StringVar(&o.GPTPreset, "gpt-preset", "", "transformer: a built-in size for a fresh GPT over --first-stage: tiny, small or base")
	fs.StringVar(&o.Condition, "condition", "", "transformer from --gpt-preset: none, class (DIR/<class>/...) or segmentation (--labels, --cond-stage)")
	fs.StringVar(&o.FirstStage, "first-stage", "", "transformer from --config: the frozen first stage `MODEL`")
	fs.StringVar(&o.CondStage, "cond-stage", "", "transformer from --config: the frozen segmentation cond stage `MODEL`")
	fs.StringVar(&o.Out, "out", "", "`DIR` for the model (model.safetensors), log, config snapshot and images/")
	fs.StringVar(&o.Resume, "resume", "", "continue the run saved in `DIR` exactly (its settings; --steps may extend it)")
	fs.StringVar(&o.LPIPS, "lpips", "", "vqgan: a checkpoint or Tessera `FILE` holding LPIPS weights (loss.perceptual_loss.*)")
	fs.StringVar(&o.Log, "log", "", "JSON Lines `FILE`, one object per step (default DIR/log.jsonl)")
	fs.IntVar(&o.Batch, "batch", train.DefaultBatch, "images per batch")
	fs.IntVar(&o.Steps, "steps", 0, "optimisation steps in all")
	fs.Float64Var(&o.LR, "lr", 0, "learning rate (default: the config's base_learning_rate x batch x accumulate)")
	fs.IntVar(&o.Size, "size", 0, "crop size in pixels (default: the config's resolution; transformer: its window)")
	fs.BoolVar(&o.NoShuffle, "no-shuffle", false, "take the images in the lexical order of their paths")
	fs.BoolVar(&o.NoAugment, "no-augment", false, "centre crops, no flips")
	fs.Int64Var(&o.Seed, "seed", 0, "seed of the initialisation, the data order, crops and every other draw")
	fs.IntVar(&o.SaveEvery, "save-every", train.DefaultSaveEvery, "save the model every N steps (and at the end, and on Ctrl-C)")
	fs.IntVar(&o.RestartDead, "restart-dead", 0, "first stages: move codebook entries unused for N steps onto recent encoder outputs (off: 0, as taming)")
	fs.IntVar(&o.Accumulate, "accumulate", 1, "micro-batches per optimisation step (gradient accumulation)")
	fs.Float64Var(&o.EMA, "ema", 0, "keep an exponential moving average of the weights with this decay (e.g. 0.999)")
	fs.Float64Var(&o.ClipGrad, "clip-grad", 0, "clip the gradients' joint L2 norm to X (0: off)")
	fs.IntVar(&o.ImageEvery, "image-every", train.DefaultImageEvery, "write a progress picture at steps 1, 2, 4, ... then every N")
	fs.BoolVar(&o.LPIPSDropout, "lpips-dropout", false, "vqgan: LPIPS's lin-layer dropout on, as taming's Lightning loop leaves it (default: eval mode, deterministic)")
	fs.Func("label-names", "transformer: the segmentation labels' names by id, comma-separated (for the studio's painter)", func(v string) error {
		o.LabelNames = strings.Split(v, ",")
		return nil
	})
	threads = fs.Int("threads", runtime.NumCPU(), "cores to use")
	pw, ds, pkeep = &optionalFloat{}, &optionalInt{}, &optionalFloat{}
	fs.Var(pw, "perceptual-weight", "vqgan: weight of LPIPS in the loss (default: the config's; 0 needs no LPIPS weights)")
	fs.Var(ds, "disc-start", "vqgan: the step the discriminator starts at (default: the config's)")
	fs.Var(pkeep, "pkeep", "transformer: probability of keeping each input image token (default: the config's, else 1)")
	return threads, pw, ds, pkeep
}

func presetNames() string {
	var b strings.Builder
	for i, p := range train.Presets {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s (%s)", p.Name, p.Summary)
	}
	return b.String()
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	var opt train.Options
	fs := newFlags("train", stderr)
	threads, pw, ds, pkeep := trainFlags(fs, &opt)
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		opt.Kind, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch opt.Kind {
	case train.KindVQGAN, train.KindCond, train.KindTransformer, train.KindClassifier:
	case "":
		if opt.Resume == "" {
			return usagef("say what to train: tessera train vqgan|cond|transformer|classifier [flags]")
		}
	default:
		return usagef("unknown kind %q: train vqgan, cond, transformer or classifier", opt.Kind)
	}
	if fs.NArg() != 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *threads < 1 || *threads > 4*runtime.NumCPU() {
		return usagef("--threads %d: give 1 to %d", *threads, 4*runtime.NumCPU())
	}
	runtime.GOMAXPROCS(*threads)
	opt.PerceptualWeight, opt.DiscStart, opt.PKeep = pw.v, ds.v, pkeep.v
	if opt.Resume == "" && opt.Steps == 0 {
		return usagef("--steps is required")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := &progressLine{w: stderr}
	res, err := train.Run(ctx, opt, p.report)
	p.end()
	if err != nil {
		if errors.Is(err, train.ErrInterrupted) {
			fmt.Fprintf(stderr, "tessera: %v\n", err)
			return errInterrupted
		}
		return err
	}
	fmt.Fprintf(stdout, "%s: %d steps\n", res.Model, res.Steps)
	return nil
}

// errInterrupted ends the command with status 130, as a shell expects after
// Ctrl-C; the message was already written.
var errInterrupted = errors.New("interrupted")

// progressLine keeps one status line on stderr: step, the main losses,
// speed and time left; notes go on lines of their own above it.
type progressLine struct {
	w    io.Writer
	open bool
}

// mainLosses are the values the status line shows, in order, when present.
var mainLosses = []string{"loss", "accuracy", "total_loss", "rec_loss", "p_loss", "g_loss", "disc_loss", "bce_loss", "quant_loss", "perplexity"}

func (p *progressLine) report(pr train.Progress) {
	if pr.Note != "" {
		p.end()
		fmt.Fprintln(p.w, pr.Note)
	}
	if pr.Logs == nil {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\rstep %d/%d", pr.Step, pr.Steps)
	for _, k := range mainLosses {
		if v, ok := pr.Logs[k]; ok {
			fmt.Fprintf(&b, "  %s %.4g", strings.TrimSuffix(k, "_loss"), v)
		}
	}
	for _, k := range []string{"images_per_s", "tokens_per_s"} {
		if v, ok := pr.Logs[k]; ok {
			fmt.Fprintf(&b, "  %.3g %s/s", v, strings.TrimSuffix(k, "_per_s"))
		}
	}
	fmt.Fprintf(&b, "  %s left ", pr.Remaining.Round(time.Second))
	fmt.Fprint(p.w, b.String())
	p.open = true
}

func (p *progressLine) end() {
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}
