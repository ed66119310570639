// Package outputs keeps every result the studio makes, as A1111 and
// InvokeAI do: each is written on its own, as a PNG carrying its token grid
// and parameters (the same file `tessera sample` writes), into a folder per
// day, so nothing is lost when a gallery is cleared or a model switched.
package outputs

import (
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tessera/engine/imgio"
	"tessera/engine/model"
	"tessera/engine/tokens"
)

// EnvRoot names the environment variable that moves the folder.
const EnvRoot = "TESSERA_OUTPUTS"

// DefaultRoot is $TESSERA_OUTPUTS, else Tessera/outputs in the user's home.
func DefaultRoot() (string, error) {
	if dir := os.Getenv(EnvRoot); dir != "" {
		return dir, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("outputs: no home folder to keep results in (set %s): %w", EnvRoot, err)
	}
	return filepath.Join(home, "Tessera", "outputs"), nil
}

// Folder is an output history: Root/YYYY-MM-DD/HHMMSS-model-seedN-WxH.png.
type Folder struct{ Root string }

// Save writes one result made at t and returns its path. A name already
// taken (two results in one second) gets a number.
func (f Folder) Save(t time.Time, img image.Image, g tokens.Grid, params map[string]any) (string, error) {
	dir := f.Day(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("outputs: %w", err)
	}
	base := t.Format("150405") + "-" + FileName(img, params)
	for n := 1; ; n++ {
		path := filepath.Join(dir, base+".png")
		if n > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d.png", base, n))
		}
		// Creating the file first claims the name; the write replaces it.
		claim, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("outputs: %w", err)
		}
		claim.Close()
		if err := imgio.SaveWithGrid(path, img, g, params); err != nil {
			os.Remove(path)
			return "", err
		}
		return path, nil
	}
}

// Day is the folder of the results made on t's day.
func (f Folder) Day(t time.Time) string { return filepath.Join(f.Root, t.Format("2006-01-02")) }

// FileName is a result's name without extension: model, seed and size in
// pixels, e.g. "landscape-seed42-256x256". It also suits the names a save
// dialog suggests.
func FileName(img image.Image, params map[string]any) string {
	name := "result"
	if m, ok := params["model"].(string); ok && m != "" {
		name = ModelName(m)
	}
	if seed, ok := params["seed"]; ok {
		name += fmt.Sprintf("-seed%v", seed)
	}
	if img != nil {
		b := img.Bounds()
		name += fmt.Sprintf("-%dx%d", b.Dx(), b.Dy())
	}
	return safe(name)
}

// ModelName is a model's short name: a built-in model's name, a file's name
// without extension, or for a taming run's checkpoints/NAME.ckpt the run's
// folder (and NAME, unless it is "last").
func ModelName(path string) string {
	if model.IsBuiltin(path) {
		return strings.TrimPrefix(path, model.BuiltinPrefix)
	}
	dir, file := filepath.Split(filepath.Clean(path))
	name := strings.TrimSuffix(file, filepath.Ext(file))
	dir = filepath.Clean(dir)
	if filepath.Base(dir) != "checkpoints" {
		return name
	}
	run := filepath.Base(filepath.Dir(dir))
	if name == "last" {
		return run
	}
	return run + "-" + name
}

// safe keeps letters, digits, '-', '_' and '.', so a name is one a file
// system takes.
func safe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}
