package outputs

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"tessera/engine/imgio"
	"tessera/engine/tokens"
)

// Entry is one PNG of the output history and what it says of itself.
type Entry struct {
	Path string
	Day  string    // the day folder's name, YYYY-MM-DD
	Made time.Time // from the day and the file name's HHMMSS, else the file's time
	mod  time.Time // the file's time, which orders two results of one second
	// Grid and Params are the token grid and parameters Tessera embedded;
	// Params is nil when the file has none, and Err says why (a foreign or
	// corrupt PNG).
	Grid   tokens.Grid
	Params map[string]any
	Err    error
}

// Tessera reports whether the file carries Tessera's grid and parameters.
func (e Entry) Tessera() bool { return e.Err == nil }

// Model is the weights path of the model that made the result, or "".
func (e Entry) Model() string { m, _ := e.Params["model"].(string); return m }

// Codebook is the size of the codebook the grid's codes index, 0 when the
// file does not say (results written before it was recorded).
func (e Entry) Codebook() int {
	n, _ := Int(e.Params["codebook"])
	return n
}

// Int reads a whole-number parameter as JSON decoding (a json.Number) or
// the engine (an int) left it.
func Int(v any) (int, bool) {
	if v == nil {
		return 0, false
	}
	n, err := strconv.Atoi(fmt.Sprint(v))
	return n, err == nil
}

// trashDir is the folder Trash moves files to, under the root; List skips
// it and every other folder whose name starts with a dot.
const trashDir = ".trash"

// List reads the output history under root: every PNG in its day folders,
// newest first. Files without Tessera's data are listed with Err set; a
// root that does not exist yet is an empty history.
func List(root string) ([]Entry, error) {
	days, err := os.ReadDir(root)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("outputs: %w", err)
	}
	var out []Entry
	for _, d := range days {
		if !d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			continue
		}
		es, err := ListDay(root, d.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
	}
	sortNewestFirst(out)
	return out, nil
}

// ListDay is List for one day folder (named YYYY-MM-DD), newest first.
func ListDay(root, day string) ([]Entry, error) {
	dir := filepath.Join(root, day)
	files, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("outputs: %w", err)
	}
	var out []Entry
	for _, f := range files {
		if f.IsDir() || !strings.EqualFold(filepath.Ext(f.Name()), ".png") || strings.HasPrefix(f.Name(), ".") {
			continue
		}
		out = append(out, readEntry(dir, day, f))
	}
	sortNewestFirst(out)
	return out, nil
}

func readEntry(dir, day string, f os.DirEntry) Entry {
	e := Entry{Path: filepath.Join(dir, f.Name()), Day: day}
	if fi, err := f.Info(); err == nil {
		e.mod = fi.ModTime()
	}
	e.Made = made(day, f.Name(), e.mod)
	e.Grid, e.Params, e.Err = imgio.GridFromPNG(e.Path)
	if e.Err != nil {
		e.Params = nil
	}
	return e
}

// made is when a file of the history was written: its day folder and the
// HHMMSS its name starts with, else its modification time.
func made(day, name string, mod time.Time) time.Time {
	if len(name) >= 6 {
		if t, err := time.ParseInLocation("2006-01-02 150405", day+" "+name[:6], time.Local); err == nil {
			return t
		}
	}
	return mod
}

// sortNewestFirst orders by time, then by the files' times (a name's time
// has whole seconds), then by name.
func sortNewestFirst(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int {
		return cmp.Or(b.Made.Compare(a.Made), b.mod.Compare(a.mod), cmp.Compare(b.Path, a.Path))
	})
}

// Trash moves a file of the history under root into root/.trash (in a
// folder for its day), out of List's sight but not gone, and returns its
// new path.
func Trash(root, path string) (string, error) {
	day := filepath.Base(filepath.Dir(path))
	dir := filepath.Join(root, trashDir, day)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("outputs: %w", err)
	}
	to := filepath.Join(dir, filepath.Base(path))
	if err := os.Rename(path, to); err != nil {
		return "", fmt.Errorf("outputs: %w", err)
	}
	return to, nil
}
