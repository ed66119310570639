package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"tessera/engine/imgio"
	"tessera/engine/nn"
)

func init() {
	register(command{
		name:    "evaluate",
		args:    "[--model PATH] [--json] IMAGE|DIR...",
		summary: "measure a first stage on images: reconstruction PSNR and how much of the codebook they use",
		run:     runEvaluate,
	})
}

// evaluation is what evaluate reports.
type evaluation struct {
	Images        int     `json:"images"`
	PSNR          float64 `json:"psnr_db"`        // mean over the images, of encode then decode
	WorstPSNR     float64 `json:"worst_psnr_db"`  // the lowest of them
	CodebookUsage float64 `json:"codebook_usage"` // fraction of entries any image used
	Perplexity    float64 `json:"perplexity"`     // exp of the entropy of the codes' distribution
	Entries       int     `json:"entries"`
}

func runEvaluate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("evaluate", stderr)
	mf := addModelFlags(fs)
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("name the images (or folders of them) to evaluate on")
	}
	paths, err := imagePaths(fs.Args())
	if err != nil {
		return err
	}
	m, err := mf.open()
	if err != nil {
		return err
	}
	fsm := m.FirstStage
	if fsm.Config.DD.InChannels != 3 {
		return fmt.Errorf("%s's first stage takes %d channels, not RGB images", mf.path, fsm.Config.DD.InChannels)
	}
	counts := make([]int, fsm.Quantizer.Vocab())
	ev := evaluation{Images: len(paths), Entries: len(counts), WorstPSNR: math.Inf(1)}
	for _, p := range paths {
		img, _, err := imgio.Load(p, fsm.Config.Factor())
		if err != nil {
			return err
		}
		x := imgio.ToTensor(img)
		enc, err := fsm.Encode(x, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		rec, err := fsm.Decode(enc.ZQ, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		out, err := imgio.FromTensor(rec)
		if err != nil {
			return err
		}
		psnr := psnr8(img.Pix, out[0].Pix)
		ev.PSNR += psnr / float64(len(paths))
		ev.WorstPSNR = math.Min(ev.WorstPSNR, psnr)
		for _, t := range enc.Tokens {
			counts[t]++
		}
		nn.Recycle(rec)
	}
	ev.CodebookUsage, ev.Perplexity = usage(counts)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(ev)
	}
	fmt.Fprintf(stdout, "images:          %d\n", ev.Images)
	fmt.Fprintf(stdout, "PSNR:            %.2f dB mean, %.2f dB worst (encode then decode)\n", ev.PSNR, ev.WorstPSNR)
	fmt.Fprintf(stdout, "codebook usage:  %.1f%% of %d entries\n", 100*ev.CodebookUsage, ev.Entries)
	fmt.Fprintf(stdout, "perplexity:      %.1f\n", ev.Perplexity)
	return nil
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
