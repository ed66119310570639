// Command gen draws Tessera's icon, a small mosaic landscape of square
// tesserae (sky, sun, hills, earth), and writes it as a PNG:
//
//	go run ./gen -o icon.png
package main

import (
	"flag"
	"fmt"
	"image/png"
	"os"
)

func main() {
	out := flag.String("o", "icon.png", "where to write the PNG")
	flag.Parse()
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func write(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, drawIcon()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
