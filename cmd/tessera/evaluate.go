package main

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"tessera/engine/data/landscape"
	"tessera/engine/imgio"
	"tessera/engine/model"
	"tessera/engine/nn"
	"tessera/engine/pipeline"
	"tessera/engine/sample"
	"tessera/engine/vqgan"
)

func init() {
	register(command{
		name: "evaluate",
		args: "[--model PATH] [--json] (IMAGE|DIR... | --landscapes N | --agreement N [--classifier M] [--out DIR]) [--width W --height H --seed S]",
		summary: "measure a model: a first stage's reconstruction PSNR and codebook use on images or held-out landscapes, " +
			"or how well a segmentation transformer's samples follow their label maps",
		run: runEvaluate,
	})
}

// evaluation is what evaluate reports of a first stage.
type evaluation struct {
	Images        int     `json:"images"`
	PSNR          float64 `json:"psnr_db"`        // mean over the images, of encode then decode
	WorstPSNR     float64 `json:"worst_psnr_db"`  // the lowest of them
	CodebookUsage float64 `json:"codebook_usage"` // fraction of entries any image used
	Perplexity    float64 `json:"perplexity"`     // exp of the entropy of the codes' distribution
	Entries       int     `json:"entries"`
}

// agreementReport is what --agreement measures.
type agreementReport struct {
	Maps      int      `json:"maps"`
	Seeds     [2]int64 `json:"seeds"`
	Width     int      `json:"width"`
	Height    int      `json:"height"`
	Agreement float64  `json:"agreement"` // share of sampled pixels the classifier labels as the map does
	Worst     float64  `json:"worst"`
}

func runEvaluate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("evaluate", stderr)
	mf := addModelFlags(fs)
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	count := fs.Int("landscapes", 0, "measure the first stage on `N` generated landscapes (held-out seeds from --seed) instead of files")
	agree := fs.Int("agreement", 0, "sample `N` images from held-out landscape label maps and measure, with --classifier, how many pixels follow the map")
	classifier := fs.String("classifier", "", "with --agreement: the pixel classifier `MODEL` (default: the built-in one)")
	out := fs.String("out", "", "with --agreement: a `DIR` for each map, sample and the sample's labels")
	width := fs.Int("width", 256, "generated landscapes' width")
	height := fs.Int("height", 128, "generated landscapes' height")
	seed := fs.Int64("seed", heldOutSeed, "the first generator seed (the default and up are never used in training)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	sources := 0
	for _, given := range []bool{fs.NArg() > 0, *count > 0, *agree > 0} {
		if given {
			sources++
		}
	}
	if sources != 1 || *count < 0 || *agree < 0 || *width < 1 || *height < 1 || *width > landscape.MaxSide || *height > landscape.MaxSide {
		return usagef("give images (or folders of them), --landscapes N or --agreement N, and sizes within 1..%d", landscape.MaxSide)
	}
	if *agree > 0 {
		if err := mf.orDefault(model.DefaultModel); err != nil {
			return err
		}
		r, err := measureAgreement(mf, *classifier, *agree, *seed, *width, *height, *out, stderr)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(r)
		}
		fmt.Fprintf(stdout, "label agreement %.1f%% (worst %.1f%%) over %d samples from held-out maps (seeds %d to %d, %dx%d)\n",
			100*r.Agreement, 100*r.Worst, r.Maps, r.Seeds[0], r.Seeds[1], r.Width, r.Height)
		return nil
	}
	images, err := imageSource(fs.Args(), *count, *seed, *width, *height)
	if err != nil {
		return err
	}
	m, err := mf.openFirstStage(vqgan.AllParts)
	if err != nil {
		return err
	}
	ev, err := evaluateFirstStage(m.FirstStage, images)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(ev)
	}
	fmt.Fprintf(stdout, "images:          %d\n", ev.Images)
	fmt.Fprintf(stdout, "PSNR:            %.2f dB mean, %.2f dB worst (encode then decode)\n", ev.PSNR, ev.WorstPSNR)
	fmt.Fprintf(stdout, "codebook usage:  %.1f%% of %d entries\n", 100*ev.CodebookUsage, ev.Entries)
	fmt.Fprintf(stdout, "perplexity:      %.1f\n", ev.Perplexity)
	return nil
}

// images yields the images to evaluate on, one at a time, with a name for
// messages; n is how many there are.
type images struct {
	n    int
	next func(i int) (image.Image, string, error)
}

// imageSource is the named files, or n landscapes generated from seed up.
func imageSource(args []string, n int, seed int64, w, h int) (images, error) {
	if n > 0 {
		return images{n: n, next: func(i int) (image.Image, string, error) {
			s := seed + int64(i)
			img, _, err := landscape.Generate(s, w, h, landscape.RandomScene(s))
			return img, fmt.Sprintf("landscape %d", s), err
		}}, nil
	}
	paths, err := imagePaths(args)
	if err != nil {
		return images{}, err
	}
	return images{n: len(paths), next: func(i int) (image.Image, string, error) {
		img, err := imgio.Decode(paths[i])
		return img, paths[i], err
	}}, nil
}

func evaluateFirstStage(fsm *vqgan.Model, src images) (*evaluation, error) {
	if fsm.Config.DD.InChannels != 3 {
		return nil, fmt.Errorf("the first stage takes %d channels, not RGB images", fsm.Config.DD.InChannels)
	}
	counts := make([]int, fsm.Quantizer.Vocab())
	ev := &evaluation{Images: src.n, Entries: len(counts), WorstPSNR: math.Inf(1)}
	for i := 0; i < src.n; i++ {
		raw, name, err := src.next(i)
		if err != nil {
			return nil, err
		}
		// Encoded and decoded whole: refused first when that would not
		// fit the memory budget.
		f, bounds := fsm.Config.Factor(), raw.Bounds()
		w, h := bounds.Dx()/f*f, bounds.Dy()/f*f
		need := max(pipeline.EncodeBytes(fsm, w, h, 0), pipeline.WholeDecodeBytes(fsm, w/f, h/f))
		if err := pipeline.CheckMemory(fmt.Sprintf("evaluating %s (%dx%d)", name, bounds.Dx(), bounds.Dy()), need); err != nil {
			return nil, err
		}
		img, _, err := imgio.Prepare(raw, f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		enc, err := fsm.Encode(imgio.ToTensor(img), nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		rec, err := fsm.Decode(enc.ZQ, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out, err := imgio.FromTensor(rec)
		if err != nil {
			return nil, err
		}
		psnr := psnr8(img.Pix, out[0].Pix)
		ev.PSNR += psnr / float64(src.n)
		ev.WorstPSNR = math.Min(ev.WorstPSNR, psnr)
		for _, t := range enc.Tokens {
			counts[t]++
		}
		nn.Recycle(rec)
	}
	ev.CodebookUsage, ev.Perplexity = usage(counts)
	return ev, nil
}

// measureAgreement samples the segmentation transformer mf names on n
// held-out landscape label maps (top-k 100, seed i for map i) and labels
// each sample with the pixel classifier: the share of pixels where the
// classifier sees what the map asked for.
func measureAgreement(mf *modelFlags, classifier string, n int, seed int64, w, h int, out string, stderr io.Writer) (*agreementReport, error) {
	m, err := mf.open()
	if err != nil {
		return nil, err
	}
	if m.Transformer == nil || m.Spec.Cond.Kind != model.CondSpatial || m.Spec.Cond.Labels != len(landscape.Labels) {
		return nil, fmt.Errorf("%s is not a segmentation transformer over the landscapes' %d labels", mf.path, len(landscape.Labels))
	}
	c, err := openClassifier(classifier)
	if err != nil {
		return nil, err
	}
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, err
		}
	}
	r := &agreementReport{Maps: n, Seeds: [2]int64{seed, seed + int64(n) - 1}, Width: w, Height: h, Worst: 1}
	for i := range n {
		s := seed + int64(i)
		_, labels, err := landscape.Generate(s, w, h, landscape.RandomScene(s))
		if err != nil {
			return nil, err
		}
		ints := make([]int, len(labels))
		for p, l := range labels {
			ints[p] = int(l)
		}
		req := pipeline.SampleRequest{
			Cond:    pipeline.Condition{Labels: &pipeline.LabelMap{W: w, H: h, Labels: ints}},
			Options: sample.Options{Filter: sample.Filter{TopK: 100, Temperature: 1}, Seed: int64(i)},
		}
		res, err := pipeline.Sample(context.Background(), m, req, nil)
		if err != nil {
			return nil, err
		}
		got, err := c.Classify(res[0].Image)
		if err != nil {
			return nil, err
		}
		same := 0
		for p := range got {
			if got[p] == labels[p] {
				same++
			}
		}
		a := float64(same) / float64(len(got))
		r.Agreement += a / float64(n)
		r.Worst = math.Min(r.Worst, a)
		fmt.Fprintf(stderr, "\rmap %d/%d: %.1f%% agree", i+1, n, 100*a)
		if out != "" {
			if err := saveAgreement(out, s, labels, res[0].Image, got, w, h); err != nil {
				return nil, err
			}
		}
	}
	fmt.Fprintln(stderr)
	return r, nil
}

// saveAgreement writes one map, its sample and the sample's labels.
func saveAgreement(dir string, seed int64, labels []uint8, img *image.NRGBA, got []uint8, w, h int) error {
	base := filepath.Join(dir, fmt.Sprint(seed))
	for name, pix := range map[string][]uint8{"-map.png": labels, "-labels.png": got} {
		if err := imgio.SavePNG(base+name, &image.Gray{Pix: pix, Stride: w, Rect: image.Rect(0, 0, w, h)}, nil); err != nil {
			return err
		}
	}
	return imgio.SavePNG(base+"-sample.png", img, nil)
}

// psnr8 compares the RGB channels of two equally sized NRGBA pixel slices.
func psnr8(a, b []uint8) float64 {
	var se float64
	n := 0
	for i := range a {
		if i%4 == 3 {
			continue
		}
		d := float64(a[i]) - float64(b[i])
		se += d * d
		n++
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(se/float64(n)))
}

// usage is the fraction of entries used and the perplexity of the counts.
func usage(counts []int) (float64, float64) {
	total, used := 0, 0
	for _, c := range counts {
		total += c
		if c > 0 {
			used++
		}
	}
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / float64(total)
			h -= p * math.Log(p)
		}
	}
	return float64(used) / float64(len(counts)), math.Exp(h)
}

// imagePaths expands folders into the PNG and JPEG files they hold, sorted.
func imagePaths(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		matches := []string{a}
		if st, err := os.Stat(a); err == nil && st.IsDir() {
			matches = nil
			for _, ext := range []string{"png", "PNG", "jpg", "JPG", "jpeg", "JPEG"} {
				m, _ := filepath.Glob(filepath.Join(a, "*."+ext))
				matches = append(matches, m...)
			}
			if len(matches) == 0 {
				return nil, fmt.Errorf("%s holds no PNG or JPEG images", a)
			}
		}
		out = append(out, matches...)
	}
	slices.SortFunc(out, strings.Compare)
	return slices.Compact(out), nil
}
