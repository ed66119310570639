package main

import (
	"encoding/json"
	"fmt"
	"image"
	"io"
	"strings"
	"text/tabwriter"

	"tessera/engine/classify"
	"tessera/engine/data/landscape"
	"tessera/engine/imgio"
	"tessera/engine/model"
)

// heldOutSeed is the first generator seed of the landscapes kept out of
// every training set, on which the models are measured.
const heldOutSeed = 987654000

// openClassifier opens path, or the built-in classifier when path is "".
func openClassifier(path string) (*classify.Classifier, error) {
	if path == "" {
		if !model.HasBuiltin(model.DefaultClassifier) {
			return nil, usagef("--model is required with --classify and --accuracy: this build has no built-in pixel classifier")
		}
		path = model.DefaultClassifier
	}
	m, err := model.Open(path, "")
	if err != nil {
		return nil, err
	}
	if m.Classifier == nil {
		return nil, fmt.Errorf("%s is a %s model, not a pixel classifier (train one with tessera train classifier)", path, m.Spec.Kind)
	}
	return m.Classifier, nil
}

// labelNames are the classifier's names for its labels, "label N" where it
// has none.
func labelNames(c *classify.Classifier) []string {
	if len(c.Names) == c.Labels() {
		return c.Names
	}
	names := make([]string, c.Labels())
	for i := range names {
		names[i] = fmt.Sprintf("label %d", i)
	}
	return names
}

// classifyImage labels the pixels of the image at in and writes the label
// map to out, an 8-bit grey PNG whose values are the labels.
func classifyImage(c *classify.Classifier, in, out string, stdout io.Writer) error {
	img, _, err := imgio.Load(in, 1)
	if err != nil {
		return err
	}
	labels, err := c.Classify(img)
	if err != nil {
		return err
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	names := labelNames(c)
	listed := make([]string, len(names))
	for i, n := range names {
		listed[i] = fmt.Sprintf("%d %s", i, n)
	}
	meta := map[string]string{"Software": "Tessera landscape --classify", "Source": in, "Labels": strings.Join(listed, ", ")}
	if err := imgio.SavePNG(out, &image.Gray{Pix: labels, Stride: w, Rect: image.Rect(0, 0, w, h)}, meta); err != nil {
		return err
	}
	counts := make([]int, len(names))
	for _, l := range labels {
		counts[l]++
	}
	var most []string
	for i, n := range counts {
		if 100*n >= len(labels) {
			most = append(most, fmt.Sprintf("%s %.0f%%", names[i], 100*float64(n)/float64(len(labels))))
		}
	}
	fmt.Fprintf(stdout, "%s: %dx%d labels of %s (%s)\n", out, w, h, in, strings.Join(most, ", "))
	return nil
}

// accuracyReport is what `landscape --accuracy` measures.
type accuracyReport struct {
	Images   int             `json:"images"`
	Seeds    [2]int64        `json:"seeds"` // the first and the last
	Width    int             `json:"width"`
	Height   int             `json:"height"`
	Pixels   int64           `json:"pixels"`
	Accuracy float64         `json:"accuracy"` // the share of pixels labelled as the generator labels them
	Labels   []labelAccuracy `json:"labels"`
}

// labelAccuracy is one label's part: how many pixels truly have it, and the
// shares of those the classifier finds (recall) and of the pixels it gives
// the label that truly have it (precision).
type labelAccuracy struct {
	Name      string  `json:"name"`
	Pixels    int64   `json:"pixels"`
	Recall    float64 `json:"recall"`
	Precision float64 `json:"precision"`
}

// measureAccuracy classifies n generated landscapes of w x h, seeds from
// seed up (their scenes drawn from the seeds, as `landscape --count`
// draws them), against their label maps.
func measureAccuracy(c *classify.Classifier, seed int64, n, w, h int) (*accuracyReport, error) {
	if c.Labels() != len(landscape.Labels) {
		return nil, fmt.Errorf("the classifier has %d labels and the landscapes %d (%s)", c.Labels(), len(landscape.Labels), strings.Join(landscape.Labels, ", "))
	}
	type pair struct {
		img    *image.NRGBA
		labels []uint8
		err    error
	}
	// The next landscape is drawn while the classifier works on this one.
	pairs := make(chan pair, 1)
	go func() {
		defer close(pairs)
		for i := range n {
			s := seed + int64(i)
			img, labels, err := landscape.Generate(s, w, h, landscape.RandomScene(s))
			pairs <- pair{img, labels, err}
			if err != nil {
				return
			}
		}
	}()
	l := c.Labels()
	truth, given, right := make([]int64, l), make([]int64, l), make([]int64, l)
	var failed error
	for p := range pairs {
		if failed != nil {
			continue // let the generator finish
		}
		if p.err != nil {
			failed = p.err
			continue
		}
		pred, err := c.Classify(p.img)
		if err != nil {
			failed = err
			continue
		}
		for i, t := range p.labels {
			truth[t]++
			given[pred[i]]++
			if pred[i] == t {
				right[t]++
			}
		}
	}
	if failed != nil {
		return nil, failed
	}
	r := &accuracyReport{Images: n, Seeds: [2]int64{seed, seed + int64(n) - 1}, Width: w, Height: h, Pixels: int64(n * w * h)}
	names := labelNames(c)
	var correct int64
	for k := range l {
		correct += right[k]
		r.Labels = append(r.Labels, labelAccuracy{Name: names[k], Pixels: truth[k], Recall: share(right[k], truth[k]), Precision: share(right[k], given[k])})
	}
	r.Accuracy = share(correct, r.Pixels)
	return r, nil
}

func share(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func printAccuracy(w io.Writer, r *accuracyReport, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprintf(w, "pixel accuracy %.2f%% on %d landscapes (seeds %d to %d, %dx%d)\n", 100*r.Accuracy, r.Images, r.Seeds[0], r.Seeds[1], r.Width, r.Height)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "label\tpixels\trecall\tprecision\t")
	for _, l := range r.Labels {
		fmt.Fprintf(tw, "%s\t%.1f%%\t%.1f%%\t%.1f%%\t\n", l.Name, 100*share(l.Pixels, r.Pixels), 100*l.Recall, 100*l.Precision)
	}
	return tw.Flush()
}
