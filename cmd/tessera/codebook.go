package main

import (
	"context"
	"fmt"
	"io"
	"math"

	"tessera/engine/codebook"
	"tessera/engine/imgio"
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
	m, err := mf.open()
	if err != nil {
		return err
	}
	fst := m.FirstStage
	if fst.Config.DD.OutCh != 3 {
		return fmt.Errorf("the first stage decodes %d channels, not RGB images", fst.Config.DD.OutCh)
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
	n, f := len(patches), fst.Config.Factor()
	l := codebook.AtlasLayout{Cols: *cols, Scale: *scale, Patch: f}
	if l.Cols <= 0 {
		l.Cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	if l.Scale <= 0 {
		l.Scale = max(1, (32+f-1)/f)
	}
	atlas := codebook.Atlas(patches, nil, l)
	if err := imgio.SavePNG(*out, atlas, map[string]string{"Software": "Tessera", "Model": m.WeightsPath}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d entries, %dx%d pixels\n", *out, n, atlas.Bounds().Dx(), atlas.Bounds().Dy())
	return nil
}
