package main

import (
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"tessera/engine/data/landscape"
	"tessera/engine/imgio"
)

func init() {
	register(command{
		name: "landscape",
		args: "[--seed S] [--width W] [--height H] [--scene NAME] --out image.png [--seg-out labels.png]\n" +
			"       tessera landscape --count N [--seed S] ... --out DIR [--seg-out DIR] [--by-scene]\n" +
			"       tessera landscape --classify IMAGE --seg-out labels.png [--model M]\n" +
			"       tessera landscape --accuracy N [--seed S] [--width W] [--height H] [--model M] [--json]",
		summary: "draw a procedural landscape and its label map (an 8-bit grey PNG, value = label id), " +
			"or with --count N pairs into folders; label any image with a pixel classifier (--classify), " +
			"or measure one on generated pairs (--accuracy)",
		run: runLandscape,
	})
}

func runLandscape(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("landscape", stderr)
	seed := fs.Int64("seed", 1, "random seed `S` (with --count, the first of N)")
	width := fs.Int("width", 512, fmt.Sprintf("image width in pixels (at most %d)", landscape.MaxSide))
	height := fs.Int("height", 256, fmt.Sprintf("image height in pixels (at most %d)", landscape.MaxSide))
	sceneName := fs.String("scene", "random", "scene: "+strings.Join(landscape.Scenes, ", ")+", or random (drawn from each seed)")
	out := fs.String("out", "", "image PNG `FILE` to write (a folder with --count)")
	segOut := fs.String("seg-out", "", "label map PNG `FILE` to write (a folder with --count)")
	count := fs.Int("count", 0, "write `N` pairs, for seeds S, S+1, ..., as image-00000.png, ... in the --out and --seg-out folders")
	byScene := fs.Bool("by-scene", false, "with --count, put each pair under a folder named after its scene (class folders for tessera train)")
	classifyIn := fs.String("classify", "", "label the pixels of `IMAGE` with a pixel classifier and write the label map to --seg-out")
	accuracy := fs.Int("accuracy", 0, fmt.Sprintf("measure a pixel classifier on `N` generated pairs of --width x --height, seeds from --seed (default %d, the held-out seeds)", heldOutSeed))
	modelPath := fs.String("model", "", "with --classify and --accuracy: the pixel classifier `MODEL` (tessera train classifier)")
	asJSON := fs.Bool("json", false, "with --accuracy, print the figures as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["classify"] || set["accuracy"] {
		return runClassifierMode(set, *classifyIn, *accuracy, *seed, *width, *height, *modelPath, *out, *segOut, *asJSON, fs.Args(), stdout)
	}
	if set["model"] || set["json"] {
		return usagef("--model and --json go with --classify or --accuracy")
	}
	counted := set["count"]
	scene, err := landscape.ParseScene(*sceneName)
	if err != nil {
		return usagef("%v", strings.TrimPrefix(err.Error(), "landscape: "))
	}
	switch {
	case fs.NArg() != 0:
		return usagef("unexpected arguments %q", fs.Args())
	case *width < 1 || *height < 1 || *width > landscape.MaxSide || *height > landscape.MaxSide:
		return usagef("--width and --height must be from 1 to %d, got %dx%d", landscape.MaxSide, *width, *height)
	case *out == "" && *segOut == "":
		return usagef("need --out or --seg-out (or both)")
	case *out != "" && *segOut != "" && filepath.Clean(*out) == filepath.Clean(*segOut):
		return usagef("--out and --seg-out are both %s; the image and the label map need different places", *out)
	case counted && *count < 1:
		return usagef("--count must be at least 1, got %d", *count)
	case !counted && *byScene:
		return usagef("--by-scene needs --count")
	}
	if !counted {
		if err := (&files{}).out("--out", *out, 1).out("--seg-out", *segOut, 1).check(); err != nil {
			return err
		}
		// Both files are written beside their places, then renamed.
		var st staging
		defer st.discard()
		img, seg := "", ""
		var err error
		if *out != "" {
			img, err = st.file(*out)
		}
		if err == nil && *segOut != "" {
			seg, err = st.file(*segOut)
		}
		if err != nil {
			return err
		}
		sc, err := writePair(*seed, *width, *height, scene, img, seg)
		if err == nil {
			err = st.commit()
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s landscape, seed %d, %dx%d\n", strings.Join(nonEmpty(*out, *segOut), ", "), sc, *seed, *width, *height)
		return nil
	}
	for _, d := range []namedPath{{"--out", *out}, {"--seg-out", *segOut}} {
		if fi, err := os.Stat(d.path); err == nil && !fi.IsDir() {
			return usagef("%s %s is a file; with --count it names a folder", d.flag, d.path)
		}
	}
	return writePairs(*seed, *count, *width, *height, scene, *out, *segOut, *byScene, stdout)
}

// runClassifierMode runs --classify or --accuracy; set holds the flags
// given.
func runClassifierMode(set map[string]bool, in string, n int, seed int64, w, h int, modelPath, out, segOut string, asJSON bool, rest []string, stdout io.Writer) error {
	for _, f := range []string{"count", "by-scene", "scene", "out"} {
		if set[f] {
			return usagef("--%s does not go with --classify or --accuracy", f)
		}
	}
	switch {
	case len(rest) != 0:
		return usagef("unexpected arguments %q", rest)
	case set["classify"] && set["accuracy"]:
		return usagef("give --classify or --accuracy, not both")
	case set["classify"] && (in == "" || segOut == ""):
		return usagef("--classify IMAGE needs --seg-out labels.png, where the label map goes")
	case set["classify"] && (set["seed"] || set["width"] || set["height"] || asJSON):
		return usagef("--seed, --width, --height and --json go with --accuracy; --classify labels the image at its own size")
	case set["accuracy"] && n < 1:
		return usagef("--accuracy must be at least 1, got %d", n)
	case set["accuracy"] && segOut != "":
		return usagef("--accuracy writes no files; --seg-out goes with --classify")
	case w < 1 || h < 1 || w > landscape.MaxSide || h > landscape.MaxSide:
		return usagef("--width and --height must be from 1 to %d, got %dx%d", landscape.MaxSide, w, h)
	}
	if set["classify"] {
		if err := (&files{}).in("--classify", in).in("--model", modelPath).out("--seg-out", segOut, 1).check(); err != nil {
			return err
		}
	}
	c, err := openClassifier(modelPath)
	if err != nil {
		return err
	}
	if set["classify"] {
		return classifyImage(c, in, segOut, stdout)
	}
	if !set["seed"] {
		seed = heldOutSeed
	}
	r, err := measureAccuracy(c, seed, n, w, h)
	if err != nil {
		return err
	}
	return printAccuracy(stdout, r, asJSON)
}

func nonEmpty(s ...string) []string {
	var r []string
	for _, v := range s {
		if v != "" {
			r = append(r, v)
		}
	}
	return r
}

// writePair draws one landscape and writes its image and label map where
// asked ("" skips one); it returns the scene drawn.
func writePair(seed int64, w, h int, scene landscape.Scene, out, segOut string) (landscape.Scene, error) {
	if scene == landscape.Random {
		scene = landscape.RandomScene(seed)
	}
	img, labels, err := landscape.Generate(seed, w, h, scene)
	if err != nil {
		return scene, err
	}
	meta := map[string]string{"Software": "Tessera landscape", "Seed": strconv.FormatInt(seed, 10), "Scene": scene.String()}
	if out != "" {
		if err := imgio.SavePNG(out, img, meta); err != nil {
			return scene, err
		}
	}
	if segOut != "" {
		grey := &image.Gray{Pix: labels, Stride: w, Rect: image.Rect(0, 0, w, h)}
		names := make([]string, len(landscape.Labels))
		for i, n := range landscape.Labels {
			names[i] = fmt.Sprintf("%d %s", i, n)
		}
		meta["Labels"] = strings.Join(names, ", ")
		if err := imgio.SavePNG(segOut, grey, meta); err != nil {
			return scene, err
		}
	}
	return scene, nil
}

// writePairs writes n pairs, for seeds from seed up, into the folders out
// and segOut, on every core; the files do not depend on the order of work.
func writePairs(seed int64, n, w, h int, scene landscape.Scene, out, segOut string, byScene bool, stdout io.Writer) error {
	place := func(dir string, s landscape.Scene, i int) (string, error) {
		if dir == "" {
			return "", nil
		}
		if byScene {
			dir = filepath.Join(dir, s.String())
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		return filepath.Join(dir, fmt.Sprintf("image-%05d.png", i)), nil
	}
	jobs := make(chan int)
	// The first failure (in seed order) is kept and stops the feeding: no
	// memory in proportion to n.
	var (
		mu       sync.Mutex
		firstErr error
		firstAt  = n
		failed   atomic.Bool
	)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				s := scene
				if s == landscape.Random {
					s = landscape.RandomScene(seed + int64(i))
				}
				img, err := place(out, s, i)
				var seg string
				if err == nil {
					seg, err = place(segOut, s, i)
				}
				if err == nil {
					_, err = writePair(seed+int64(i), w, h, s, img, seg)
				}
				if err != nil {
					mu.Lock()
					if i < firstAt {
						firstErr, firstAt = err, i
					}
					mu.Unlock()
					failed.Store(true)
				}
			}
		}()
	}
	for i := 0; i < n && !failed.Load(); i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	fmt.Fprintf(stdout, "%d landscapes (seeds %d to %d, %dx%d) written to %s\n", n, seed, seed+int64(n)-1, w, h,
		strings.Join(nonEmpty(out, segOut), " and "))
	return nil
}
