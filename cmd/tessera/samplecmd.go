package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"tessera/engine/imgio"
	"tessera/engine/model"
	"tessera/engine/pipeline"
	"tessera/engine/sample"
	"tessera/engine/tokens"
)

func init() {
	register(command{
		name: "sample",
		args: "[--model PATH] [--class N|NAME | --seg MAP.png | --cond IMAGE] [--width W --height H] [--top-k K] [--top-p P] " +
			"[--temperature T] [--seed S] [--count N] [--stride S] [--tile] --out image.png [--tokens tokens.json]",
		summary: "sample new images with the transformer",
		run:     runSample,
	})
}

// samplingFlags are the flags sample and resample share.
type samplingFlags struct {
	class             string
	seg, cond         string
	topK              int
	topP, temperature float64
	seed              int64
	stride            int
	tile              bool
	out               string
	grid              string // the grid being resampled, for messages
}

func addSamplingFlags(fs *flag.FlagSet) *samplingFlags {
	s := &samplingFlags{}
	fs.StringVar(&s.class, "class", "", "class id `N` or name for class-conditional models (the built-in scenes: alpine, coast, ...)")
	fs.StringVar(&s.seg, "seg", "", "segmentation label map `PNG` (pixel value = label) for segmentation models")
	fs.StringVar(&s.cond, "cond", "", "conditioning `IMAGE` (e.g. depth) for other spatially conditioned models")
	fs.IntVar(&s.topK, "top-k", 100, "keep the K most likely tokens at each step (0: all; 1: greedy)")
	fs.Float64Var(&s.topP, "top-p", 0, "keep the most likely tokens up to cumulative probability P (0: off)")
	fs.Float64Var(&s.temperature, "temperature", 1, "divide logits by T before filtering")
	fs.Int64Var(&s.seed, "seed", -1, "random seed (default: a new one, printed)")
	fs.IntVar(&s.stride, "stride", 1, "sliding-window step in tokens; 1 is the published behaviour, larger is faster")
	fs.BoolVar(&s.tile, "tile", false, "make an image that tiles seamlessly")
	fs.StringVar(&s.out, "out", "", "PNG `FILE` to write (with --count N, numbered FILE-1.png ...)")
	return s
}

// request turns the flags into a sampling request; params are the grid's
// recorded parameters, whose class is used when --class is not given.
func (s *samplingFlags) request(m *model.Model, params map[string]any, stderr io.Writer) (pipeline.SampleRequest, error) {
	if s.seed < 0 {
		s.seed = rand.New(rand.NewSource(time.Now().UnixNano())).Int63n(1 << 31)
		fmt.Fprintf(stderr, "seed %d\n", s.seed)
	}
	if err := s.validate(); err != nil {
		return pipeline.SampleRequest{}, err
	}
	req := pipeline.SampleRequest{
		Options: sample.Options{
			Filter: sample.Filter{TopK: s.topK, TopP: s.topP, Temperature: s.temperature},
			Seed:   s.seed, Stride: s.stride, Tile: s.tile,
		},
		Decode: pipeline.DecodeOptions{Tile: s.tile},
	}
	given := 0
	if v, ok := params["class"]; ok && s.class == "" && s.seg == "" && s.cond == "" &&
		m.Spec.Cond != nil && m.Spec.Cond.Kind == model.CondClass {
		// Resampling a grid made with a class reuses that class; one the
		// model does not have is an error, not dropped.
		c, err := gridClass(m, v, s.grid)
		if err != nil {
			return req, err
		}
		s.class = strconv.Itoa(c)
	}
	if s.class != "" {
		c, err := classID(m, s.class)
		if err != nil {
			return req, err
		}
		req.Cond.Class, req.Cond.Describe = &c, fmt.Sprintf("class %d", c)
		if names := m.Spec.Cond.Names; c < len(names) {
			req.Cond.Describe = fmt.Sprintf("class %d (%s)", c, names[c])
		}
		given++
	}
	if s.seg != "" {
		labels, w, h, err := imgio.LoadLabels(s.seg)
		if err != nil {
			return req, err
		}
		req.Cond.Labels, req.Cond.Describe = &pipeline.LabelMap{W: w, H: h, Labels: labels}, s.seg
		given++
	}
	if s.cond != "" {
		// Decoded as stored: a depth map's alpha bytes and bit depth matter.
		// What conditioning makes of it comes back as the results' notes.
		img, err := imgio.Decode(s.cond)
		if err != nil {
			return req, err
		}
		req.Cond.Image, req.Cond.Describe = img, s.cond
		given++
	}
	if given > 1 {
		return req, usagef("give only one of --class, --seg and --cond")
	}
	return req, nil
}

// gridClass reads the class a grid records (its "class" parameter): an
// id of the model's, or one of its class names.
func gridClass(m *model.Model, v any, grid string) (int, error) {
	spec := m.Spec.Cond
	ids := fmt.Sprintf("an id in 0..%d", spec.Classes-1)
	if len(spec.Names) > 0 {
		ids += " or one of " + strings.Join(spec.Names, ", ")
	}
	js, _ := json.Marshal(v)
	bad := fmt.Errorf("%s: the grid's \"class\" is %s, not a class of this model (%s); give --class to choose one", grid, js, ids)
	switch v := v.(type) {
	case json.Number:
		if id, err := strconv.Atoi(v.String()); err == nil && id >= 0 && id < spec.Classes {
			return id, nil
		}
	case string:
		for i, n := range spec.Names {
			if strings.EqualFold(n, v) {
				return i, nil
			}
		}
	}
	return 0, bad
}

// validate checks the sampling numbers before any work: NaN and
// infinities are refused here, not found after sampling.
func (s *samplingFlags) validate() error {
	switch t := s.temperature; {
	case !(t > 0) || math.IsInf(t, 0):
		return usagef("--temperature %v: give a finite number above 0 (one so small that it overflows samples greedily)", t)
	case !(s.topP >= 0 && s.topP <= 1):
		return usagef("--top-p %v: give a number from 0 (off) to 1", s.topP)
	case s.topK < 0:
		return usagef("--top-k %d: give 0 (every token) or more", s.topK)
	case s.stride < 1:
		return usagef("--stride %d: give 1 or more", s.stride)
	}
	return nil
}

// positive refuses a size flag given as zero or less (leaving it out
// keeps its default).
func positive(fs *flag.FlagSet, names ...string) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if err != nil || !slices.Contains(names, f.Name) {
			return
		}
		if n, _ := strconv.ParseInt(f.Value.String(), 10, 64); n <= 0 {
			err = usagef("--%s %s: give a positive number, or leave it out for the default", f.Name, f.Value)
		}
	})
	return err
}

// classID reads --class: an id, or one of the model's class names.
func classID(m *model.Model, class string) (int, error) {
	if id, err := strconv.Atoi(class); err == nil {
		return id, nil
	}
	if m.Spec.Cond == nil || m.Spec.Cond.Kind != model.CondClass {
		return 0, usagef("--class %q: this model is not class-conditional", class)
	}
	names := m.Spec.Cond.Names
	for i, n := range names {
		if strings.EqualFold(n, class) {
			return i, nil
		}
	}
	if len(names) == 0 {
		return 0, usagef("--class %q: this model's classes have no names; give an id in 0..%d", class, m.Spec.Cond.Classes-1)
	}
	return 0, usagef("--class %q is not one of the model's classes: %s", class, strings.Join(names, ", "))
}

// defaultModel is the built-in model that fits the condition given: the
// segmentation one for a label map, the scenes one for a class, and for
// nothing the scenes one when sampling (params nil) but the segmentation
// one when resampling a grid made without a class.
func (s *samplingFlags) defaultModel(params map[string]any) string {
	_, madeWithClass := params["class"]
	switch {
	case s.seg != "" || s.cond != "":
		return model.DefaultModel
	case s.class != "" || madeWithClass:
		return model.DefaultScenes
	case params != nil:
		return model.DefaultModel
	}
	return model.DefaultScenes
}

func runSample(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sample", stderr)
	mf := addModelFlags(fs)
	sf := addSamplingFlags(fs)
	width := fs.Int("width", 0, "grid width in tokens (default: the model's native grid, or the condition's; a --seg or --cond map is scaled to the size given, one side alone keeping its aspect)")
	height := fs.Int("height", 0, "grid height in tokens")
	count := fs.Int("count", 1, "sample N images together")
	tokensOut := fs.String("tokens", "", "also write the token grid JSON to `FILE`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || sf.out == "" {
		return usagef("need --out FILE and no extra arguments")
	}
	if err := positive(fs, "width", "height", "count"); err != nil {
		return err
	}
	if err := sf.validate(); err != nil {
		return err
	}
	if err := mf.orDefault(sf.defaultModel(nil)); err != nil {
		return err
	}
	fl := (&files{}).in("--seg", sf.seg).in("--cond", sf.cond).model(mf, nil).
		out("--out", sf.out, *count).out("--tokens", *tokensOut, *count)
	if err := fl.check(); err != nil {
		return err
	}
	m, err := mf.open()
	if err != nil {
		return err
	}
	if err := fl.model(mf, m).check(); err != nil {
		return err
	}
	req, err := sf.request(m, nil, stderr)
	if err != nil {
		return err
	}
	req.W, req.H, req.Options.Count = *width, *height, *count
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := pipeline.Sample(ctx, m, req, tokenProgress(stderr))
	return writeResults(res, err, sf.out, *tokensOut, stdout, stderr)
}

// tokenProgress prints sampling progress on one line of stderr, at most ten
// times a second.
func tokenProgress(w io.Writer) func(pipeline.Progress) {
	start := time.Now()
	var last time.Time
	return func(p pipeline.Progress) {
		if p.Stage != "sampling" || (time.Since(last) < 100*time.Millisecond && p.Done < p.Total) {
			return
		}
		last = time.Now()
		rate := float64(p.Done) / time.Since(start).Seconds()
		fmt.Fprintf(w, "\rsampling %d/%d tokens (%.1f tokens/s)", p.Done, p.Total, rate)
		endLine(w, p.Done, p.Total)
	}
}

// writeResults saves each result; a cancelled run still saves its partial
// images and then reports the cancellation.
func writeResults(res []pipeline.Result, runErr error, out, tokensOut string, stdout, stderr io.Writer) error {
	if len(res) > 0 {
		// What was done to the conditioning (cropped, converted) is the
		// same for every result.
		notes, _ := res[0].Params["notes"].([]string)
		for _, n := range notes {
			fmt.Fprintf(stderr, "note: %s\n", n)
		}
	}
	// Everything is written beside its place first, then renamed into
	// place together: a failure leaves none of the outputs behind.
	var st staging
	defer st.discard()
	var written []string
	for i, r := range res {
		path, tpath := numbered(out, i, len(res)), numbered(tokensOut, i, len(res))
		tmp, err := st.file(path)
		if err == nil {
			err = imgio.SaveWithGrid(tmp, r.Image, r.Grid, r.Params)
		}
		if err == nil && tpath != "" {
			if tmp, err = st.file(tpath); err == nil {
				err = tokens.Write(tmp, r.Grid, r.Params)
			}
		}
		if err != nil {
			return fmt.Errorf("nothing was written: %w", err)
		}
		written = append(written, fmt.Sprintf("%s: %dx%d tokens, %dx%d pixels\n", path, r.Grid.W, r.Grid.H, r.Image.Bounds().Dx(), r.Image.Bounds().Dy()))
	}
	if err := st.commit(); err != nil {
		return err
	}
	for _, line := range written {
		fmt.Fprint(stdout, line)
	}
	if runErr != nil && len(res) > 0 {
		return fmt.Errorf("stopped early (%v); the partial results were saved", runErr)
	}
	return runErr
}

// numbered turns out.png into out-1.png, out-2.png ... when there are several.
func numbered(path string, i, n int) string {
	if path == "" || n == 1 {
		return path
	}
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s-%d%s", strings.TrimSuffix(path, ext), i+1, ext)
}
