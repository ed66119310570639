package main

import (
	"fmt"
	"io"

	"tessera/engine/pipeline"
	"tessera/engine/tokens"
	"tessera/engine/vqgan"
)

func init() {
	register(command{
		name:    "encode",
		args:    "[--model PATH] --out tokens.json IMAGE",
		summary: "encode an image into a token grid (JSON)",
		run:     runEncode,
	})
}

func runEncode(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("encode", stderr)
	mf := addModelFlags(fs)
	out := fs.String("out", "", "token grid JSON `FILE` to write")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *out == "" {
		return usagef("need --out FILE and one IMAGE")
	}
	fl := (&files{}).in("IMAGE", fs.Arg(0)).model(mf, nil).out("--out", *out, 1)
	if err := fl.check(); err != nil {
		return err
	}
	m, err := mf.openFirstStage(vqgan.EncoderPart)
	if err != nil {
		return err
	}
	if err := fl.model(mf, m).check(); err != nil {
		return err
	}
	g, notes, err := pipeline.EncodeFile(m, fs.Arg(0))
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintf(stderr, "%s: %s\n", fs.Arg(0), n)
	}
	params := map[string]any{"model": m.WeightsPath, "source": fs.Arg(0)}
	if err := tokens.Write(*out, g, params); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %dx%d tokens\n", *out, g.W, g.H)
	return nil
}
