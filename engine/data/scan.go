// Package data reads image folders for training: it finds the images (and
// their classes or label maps), orders them into batches, and loads each
// item as a square crop in the networks' input layout.
//
// Everything random is a pure function of (seed, batch index, position in
// the batch), so a resumed run sees exactly the batches and crops it would
// have seen without stopping, with no generator state to save.
package data

import (
	"bufio"
	"fmt"
	"image"
	_ "image/jpeg" // registers the JPEG header reader for DecodeConfig
	_ "image/png"  // registers the PNG header reader for DecodeConfig
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"tessera/engine/infile"
)

// Item is one training example on disk.
type Item struct {
	Path string // the file, as found under the set's folder
	Rel  string // Path relative to that folder, '/'-separated
	// Class is the class id, or -1 when the set has no classes.
	Class int
	// LabelPath is the item's label map, "" when it has none; for a
	// labels-only set it is Path itself.
	LabelPath string
}

// Set is the content of one data folder, its items in lexical order of Rel
// (byte order).
type Set struct {
	Dir   string
	Items []Item
	// ClassNames holds the class folders' names by id when they are not all
	// integers; it is nil when the ids are the folders' integer names or
	// the set has no classes.
	ClassNames []string
	// LabelsOnly says the items are label maps with no image.
	LabelsOnly bool
}

// ScanOptions says what a data folder holds.
type ScanOptions struct {
	// Classes: DIR/<class>/... with integer folder names as ids, or else
	// the sorted folder names numbered from 0.
	Classes bool
	// LabelDir holds a label map for every image, at the same relative
	// path with the extension replaced by .png (or the same file name).
	LabelDir string
	// LabelsOnly: the folder holds label maps (.png) and nothing else is
	// read; it excludes Classes and LabelDir.
	LabelsOnly bool
}

// Scan lists the images under dir recursively (PNG and JPEG by extension,
// case-insensitive; hidden files and folders skipped) and pairs them with
// classes or label maps as opt asks.
func Scan(dir string, opt ScanOptions) (*Set, error) {
	if opt.LabelsOnly && (opt.Classes || opt.LabelDir != "") {
		return nil, fmt.Errorf("data: a labels-only scan of %s takes no classes and no separate label folder", dir)
	}
	exts := []string{".png", ".jpg", ".jpeg"}
	kind := "PNG or JPEG images"
	if opt.LabelsOnly {
		exts, kind = []string{".png"}, "PNG label maps"
	}
	rels, err := find(dir, exts)
	if err != nil {
		return nil, err
	}
	if len(rels) == 0 {
		return nil, fmt.Errorf("data: %s holds no %s", dir, kind)
	}
	s := &Set{Dir: dir, Items: make([]Item, len(rels)), LabelsOnly: opt.LabelsOnly}
	for i, rel := range rels {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		s.Items[i] = Item{Path: p, Rel: rel, Class: -1}
		if opt.LabelsOnly {
			s.Items[i].LabelPath = p
		}
	}
	if opt.Classes {
		if err := s.classify(); err != nil {
			return nil, err
		}
	}
	if opt.LabelDir != "" {
		if err := s.pair(opt.LabelDir); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// NumClasses is the number of class ids the set uses: one past the largest
// integer folder name, the number of named folders, or 0 without classes.
func (s *Set) NumClasses() int {
	if s.ClassNames != nil {
		return len(s.ClassNames)
	}
	n := 0
	for _, it := range s.Items {
		n = max(n, it.Class+1)
	}
	return n
}

// find returns the relative, '/'-separated paths of the files under dir
// whose extension is one of exts, sorted bytewise.
func find(dir string, exts []string) ([]string, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("data: %v", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("data: %s is not a folder", dir)
	}
	var rels []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(d.Name()))
		if d.IsDir() || !contains(exts, ext) {
			return nil
		}
		if _, err := infile.Check(p); err != nil {
			return err // a FIFO named like an image would block its reader
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rels = append(rels, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data: %v", err)
	}
	// WalkDir orders each folder's entries by name, which is not the
	// bytewise order of whole paths ("a-b/x" sorts before "a/x").
	sort.Strings(rels)
	return rels, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// classify gives every item the id of its top-level folder.
func (s *Set) classify() error {
	folders := map[string]bool{}
	for _, it := range s.Items {
		top, _, ok := strings.Cut(it.Rel, "/")
		if !ok {
			return fmt.Errorf("data: %s lies directly in %s; with classes every image must be inside a class folder %s/<class>/", it.Path, s.Dir, s.Dir)
		}
		folders[top] = true
	}
	names := make([]string, 0, len(folders))
	for name := range folders {
		names = append(names, name)
	}
	sort.Strings(names)
	ids := map[string]int{}
	byID := map[int]string{}
	for _, name := range names {
		id, ok := integerName(name)
		if !ok {
			ids = nil
			break
		}
		if other, dup := byID[id]; dup {
			return fmt.Errorf("data: class folders %s and %s in %s both name class %d", other, name, s.Dir, id)
		}
		ids[name], byID[id] = id, name
	}
	if ids == nil {
		ids = map[string]int{}
		for i, name := range names {
			ids[name] = i
		}
		s.ClassNames = names
	}
	for i := range s.Items {
		top, _, _ := strings.Cut(s.Items[i].Rel, "/")
		s.Items[i].Class = ids[top]
	}
	return nil
}

// integerName reads a folder name made only of decimal digits.
func integerName(name string) (int, bool) {
	if strings.Trim(name, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(name)
	return n, err == nil
}

// pair finds every image's label map under labelDir and checks that the two
// are the same size.
func (s *Set) pair(labelDir string) error {
	for i := range s.Items {
		it := &s.Items[i]
		asPNG := strings.TrimSuffix(it.Rel, path.Ext(it.Rel)) + ".png"
		tried := []string{filepath.Join(labelDir, filepath.FromSlash(asPNG))}
		if asPNG != it.Rel {
			tried = append(tried, filepath.Join(labelDir, filepath.FromSlash(it.Rel)))
		}
		for _, p := range tried {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				if _, err := infile.Check(p); err != nil {
					return fmt.Errorf("data: label map for %s: %v", it.Path, err)
				}
				it.LabelPath = p
				break
			}
		}
		if it.LabelPath == "" {
			return fmt.Errorf("data: no label map for %s: looked for %s", it.Path, strings.Join(tried, " and "))
		}
		iw, ih, err := dims(it.Path)
		if err != nil {
			return err
		}
		lw, lh, err := dims(it.LabelPath)
		if err != nil {
			return err
		}
		if err := sameSize(it.Path, iw, ih, it.LabelPath, lw, lh); err != nil {
			return err
		}
	}
	return nil
}

// dims reads an image file's size from its header.
func dims(p string) (w, h int, err error) {
	f, _, err := infile.Open(p)
	if err != nil {
		return 0, 0, fmt.Errorf("data: %v", err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(bufio.NewReader(f))
	if err != nil {
		return 0, 0, fmt.Errorf("data: %s: %v", p, err)
	}
	return cfg.Width, cfg.Height, nil
}

func sameSize(img string, iw, ih int, labels string, lw, lh int) error {
	if iw != lw || ih != lh {
		return fmt.Errorf("data: label map %s is %dx%d but its image %s is %dx%d", labels, lw, lh, img, iw, ih)
	}
	return nil
}
