package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"tessera/engine/imgio"
	"tessera/engine/pipeline"
	"tessera/engine/tokens"
)

func init() {
	register(command{
		name:    "resample",
		args:    "[--model PATH] --tokens IN.json (--mask MASK.png | --rect x,y,w,h) [sampling flags] --out image.png [--tokens OUT.json]",
		summary: "resample a region of a token grid with the transformer, keeping the rest",
		run:     runResample,
	})
}

// pathList collects a flag given more than once.
type pathList []string

func (p *pathList) String() string     { return fmt.Sprint(*p) }
func (p *pathList) Set(v string) error { *p = append(*p, v); return nil }

func runResample(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("resample", stderr)
	mf := addModelFlags(fs)
	sf := addSamplingFlags(fs)
	var grids pathList
	fs.Var(&grids, "tokens", "the grid to edit (JSON, or a PNG written by Tessera); give it again to name where the new grid's JSON goes")
	maskPath := fs.String("mask", "", "mask `PNG`: non-black pixels mark tokens to resample (token- or pixel-sized)")
	rect := fs.String("rect", "", "rectangle `x,y,w,h` in tokens to resample")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || sf.out == "" || len(grids) == 0 || len(grids) > 2 || (*maskPath == "") == (*rect == "") {
		return usagef("need --tokens IN, one of --mask and --rect, and --out FILE")
	}
	if err := sf.validate(); err != nil {
		return err
	}
	if *rect != "" {
		if _, _, _, _, err := parseRect(*rect); err != nil {
			return err
		}
	}
	tokensOut := ""
	if len(grids) == 2 {
		tokensOut = grids[1]
		// The documented in-place edit, --tokens X --tokens X, rewrites a
		// JSON grid; the new grid is JSON, so it cannot replace a PNG.
		if samePath(grids[0], tokensOut) && isPNG(grids[0]) {
			return usagef("--tokens %s --tokens %s: the new grid is written as JSON, which would replace the PNG; name a .json file for it", grids[0], tokensOut)
		}
	}
	fl := (&files{}).in("--tokens", grids[0]).in("--mask", *maskPath).
		out("--out", sf.out, 1).out("--tokens", tokensOut, 1).allowInPlace("--tokens", "--tokens")
	if err := fl.check(); err != nil {
		return err
	}
	g, params, err := readGrid(grids[0])
	if err != nil {
		return err
	}
	if err := mf.orDefault(sf.defaultModel(params)); err != nil {
		return err
	}
	m, err := mf.open()
	if err != nil {
		return err
	}
	if err := fl.model(mf, m).check(); err != nil {
		return err
	}
	mask, err := loadMask(*maskPath, *rect, g, m.FirstStage.Config.Factor())
	if err != nil {
		return err
	}
	sf.grid = grids[0]
	req, err := sf.request(m, params, stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := pipeline.Resample(ctx, m, g, mask, req, tokenProgress(stderr))
	return writeResults(res, err, sf.out, tokensOut, stdout, stderr)
}

func loadMask(path, rect string, g tokens.Grid, factor int) (tokens.Mask, error) {
	if rect != "" {
		x, y, w, h, err := parseRect(rect)
		if err != nil {
			return tokens.Mask{}, err
		}
		return tokens.MaskFromRect(g.W, g.H, x, y, w, h)
	}
	return imgio.LoadMask(path, g.W, g.H, factor)
}

// parseRect reads --rect x,y,w,h: exactly four integers.
func parseRect(rect string) (x, y, w, h int, err error) {
	fields := strings.Split(rect, ",")
	if len(fields) != 4 {
		return 0, 0, 0, 0, usagef("--rect %q: want x,y,w,h (four integers in tokens), got %d fields", rect, len(fields))
	}
	var v [4]int
	for i, f := range fields {
		if v[i], err = strconv.Atoi(strings.TrimSpace(f)); err != nil {
			return 0, 0, 0, 0, usagef("--rect %q: want x,y,w,h (four integers in tokens); %q is not an integer", rect, f)
		}
	}
	return v[0], v[1], v[2], v[3], nil
}
