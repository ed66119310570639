package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"tessera/engine/imgio"
	"tessera/engine/pipeline"
	"tessera/engine/tokens"
	"tessera/engine/vqgan"
)

func init() {
	register(command{
		name:    "decode",
		args:    "[--model PATH] --out image.png [--tile] GRID",
		summary: "decode a token grid (JSON, or a PNG written by Tessera) into an image",
		run:     runDecode,
	})
}

func runDecode(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("decode", stderr)
	mf := addModelFlags(fs)
	out := fs.String("out", "", "PNG `FILE` to write")
	tile := fs.Bool("tile", false, "pad circularly so the image tiles seamlessly")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *out == "" {
		return usagef("need --out FILE and one token grid")
	}
	fl := (&files{}).in("GRID", fs.Arg(0)).model(mf, nil).out("--out", *out, 1)
	if err := fl.check(); err != nil {
		return err
	}
	g, params, err := readGrid(fs.Arg(0))
	if err != nil {
		return err
	}
	m, err := mf.openFirstStage(vqgan.DecoderPart)
	if err != nil {
		return err
	}
	if err := fl.model(mf, m).check(); err != nil {
		return err
	}
	img, err := pipeline.Decode(context.Background(), m, g, pipeline.DecodeOptions{Tile: *tile}, tileProgress(stderr))
	if err != nil {
		return err
	}
	if err := imgio.SaveWithGrid(*out, img, g, params); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %dx%d pixels\n", *out, img.Bounds().Dx(), img.Bounds().Dy())
	return nil
}

// isPNG reports whether a grid path is read as a PNG.
func isPNG(path string) bool { return strings.EqualFold(filepath.Ext(path), ".png") }

// readGrid reads a token grid from JSON or from a PNG Tessera wrote.
func readGrid(path string) (tokens.Grid, map[string]any, error) {
	if isPNG(path) {
		return imgio.GridFromPNG(path)
	}
	return tokens.Read(path)
}

func tileProgress(w io.Writer) func(done, total int) {
	return func(done, total int) { fmt.Fprintf(w, "\rdecoding %d/%d", done, total); endLine(w, done, total) }
}

func endLine(w io.Writer, done, total int) {
	if done == total {
		fmt.Fprintln(w)
	}
}
