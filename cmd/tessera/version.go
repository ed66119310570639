package main

import (
	"fmt"
	"io"
	"runtime"

	"tessera/app"
	"tessera/engine/nn/blas"
)

func init() {
	register(command{
		name:    "version",
		args:    "",
		summary: "print the version, Go toolchain and BLAS in use",
		run:     runVersion,
	})
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version takes no arguments")
	}
	_, err := fmt.Fprintf(stdout, "tessera %s (%s %s/%s, BLAS: %s)\n",
		app.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH, blas.Name())
	return err
}
