package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"tessera/engine/model"
)

func init() {
	register(command{
		name:    "export",
		args:    "[--model PATH] [--config FILE] [--lpips CKPT] --out DIR",
		summary: "write a model as a taming log directory, for taming's main.py and scripts",
		run:     runExport,
	})
}

func runExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	mf := addModelFlags(fs)
	out := fs.String("out", "", "new or empty `DIR` to write configs/model.yaml and checkpoints/last.ckpt into")
	lpips := fs.String("lpips", "", "checkpoint `CKPT` to take LPIPS weights (loss.perceptual_loss.*) from, for a VQGAN trained without them")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *out == "" {
		return usagef("need --out DIR")
	}
	m, err := mf.open()
	if err != nil {
		return err
	}
	err = model.Export(m, *out, model.ExportOptions{LPIPS: *lpips})
	if errors.Is(err, model.ErrNoLPIPS) {
		return fmt.Errorf("%w: pass --lpips CKPT", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: written (%s, %s)\n", *out, filepath.Join("configs", "model.yaml"), filepath.Join("checkpoints", "last.ckpt"))
	fmt.Fprintf(stdout, "taming loads it with strict=True; to continue training, move it under taming's logs/ and run main.py --resume %s\n", filepath.Base(filepath.Clean(*out)))
	return nil
}
