package main

import (
	"context"
	"fmt"
	"io"
	"math"

	"tessera/engine/codebook"
	"tessera/engine/imgio"
	"tessera/engine/pipeline"
	"tessera/engine/vqgan"
)

func init() {
	register(command{
		name:    "codebook",
		args:    "[--model PATH] --out atlas.png [--cols N] [--scale S]",
		summary: "render every codebook entry as its decoded patch, in a labelled grid",
		run:     runCodebook,
	})
}

func runCodebook(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("codebook", stderr)
	mf := addModelFlags(fs)
	out := fs.String("out", "", "PNG `FILE` to write")
	cols := fs.Int("cols", 0, "entries per row (default: about square)")
	scale := fs.Int("scale", 0, "pixels per patch pixel (default: patches at least 32 pixels wide)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *out == "" {
		return usagef("need --out FILE")
	}
	if err := positive(fs, "cols", "scale"); err != nil {
		return err
	}
	fl := (&files{}).model(mf, nil).out("--out", *out, 1)
	if err := fl.check(); err != nil {
		return err
	}
	m, err := mf.openFirstStage(vqgan.DecoderPart)
	if err != nil {
		return err
	}
	if err := fl.model(mf, m).check(); err != nil {
		return err
	}
	fst := m.FirstStage
	if fst.Config.DD.OutCh != 3 {
		return fmt.Errorf("the first stage decodes %d channels, not RGB images", fst.Config.DD.OutCh)
	}
	n, f := fst.Quantizer.Vocab(), fst.Config.Factor()
	l := codebook.AtlasLayout{Cols: *cols, Scale: *scale, Patch: f}
	if l.Cols <= 0 {
		l.Cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	if l.Scale <= 0 {
		l.Scale = max(1, (32+f-1)/f)
	}
	if err := checkAtlas(l, n); err != nil {
		return err
	}
	p, err := codebook.Patches(context.Background(), fst, func(done, total int) {
		fmt.Fprintf(stderr, "\rdecoding entries %d/%d", done, total)
		endLine(stderr, done, total)
	})
	if err != nil {
		return err
	}
	patches, err := imgio.FromTensor(p)
	if err != nil {
		return err
	}
	atlas := codebook.Atlas(patches, nil, l)
	if err := imgio.SavePNG(*out, atlas, map[string]string{"Software": "Tessera", "Model": m.WeightsPath}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d entries, %dx%d pixels\n", *out, n, atlas.Bounds().Dx(), atlas.Bounds().Dy())
	return nil
}

// maxAtlasSide is the most pixels an atlas side may have: PNG allows 2^31-1,
// image sizes are ints, and nothing that wide is a useful atlas.
const maxAtlasSide = 1 << 20

// checkAtlas refuses an atlas whose size overflows or exceeds the memory
// budget, before the patches are decoded. The size follows
// codebook.AtlasLayout.Size, in float64 so that no flag overflows it.
func checkAtlas(l codebook.AtlasLayout, n int) error {
	const margin, label = 2, 12 // codebook's cell margin and label height
	side := float64(l.Patch) * float64(l.Scale)
	w := float64(l.Cols) * (side + 2*margin)
	h := math.Ceil(float64(n)/float64(l.Cols)) * (side + 2*margin + label)
	if w > maxAtlasSide || h > maxAtlasSide {
		return usagef("--cols %d and --scale %d make an atlas of %.0fx%.0f pixels; a side may have at most %d", l.Cols, l.Scale, w, h, maxAtlasSide)
	}
	return pipeline.CheckMemory(fmt.Sprintf("an atlas of %.0fx%.0f pixels", w, h), int64(w*h*4)*2)
}
