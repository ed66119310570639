package main

import (
	"fmt"
	"io"

	"tessera/engine/model"
)

func init() {
	register(command{
		name:    "convert",
		args:    "[--model PATH] [--config FILE] [--half] --out model.safetensors",
		summary: "save a model as one Tessera safetensors file (weights in use and their config)",
		run:     runConvert,
	})
}

func runConvert(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("convert", stderr)
	mf := addModelFlags(fs)
	out := fs.String("out", "", "safetensors `FILE` to write")
	half := fs.Bool("half", false, "store the weights as float16 (half the size)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *out == "" {
		return usagef("need --out FILE")
	}
	if err := mf.orDefault(model.DefaultModel); err != nil {
		return err
	}
	if err := (&files{}).model(mf, nil).out("--out", *out, 1).check(); err != nil {
		return err
	}
	if _, err := model.Convert(mf.path, mf.config, *out, *half); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: written\n", *out)
	return nil
}
