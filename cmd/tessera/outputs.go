package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"tessera/engine/atomicfile"
	"tessera/engine/model"
)

// files is what a command reads and will write. check runs before the
// work: every output must be writable (a regular file or nothing yet, in a
// folder that exists and takes new files), name none of the command's own
// inputs, and differ from the other outputs. Paths are the same when their
// absolute forms are, or when both exist and os.SameFile says so.
type files struct {
	ins     []namedPath
	outs    []outputSet
	inPlace map[string]string // an output flag that may name the input of another flag (resample's --tokens X --tokens X)
}

type namedPath struct{ flag, path string }

// outputSet is one output flag's files: path itself, or with count > 1
// path numbered as numbered() does.
type outputSet struct {
	flag, path string
	count      int
}

func (f *files) in(flag string, paths ...string) *files {
	for _, p := range paths {
		if p != "" && !model.IsBuiltin(p) {
			f.ins = append(f.ins, namedPath{flag, p})
		}
	}
	return f
}

// out adds an output flag's file, or count numbered files.
func (f *files) out(flag, path string, count int) *files {
	if path != "" {
		f.outs = append(f.outs, outputSet{flag, path, max(count, 1)})
	}
	return f
}

// model adds the model's files: what the flags name, and once it is open
// (m non-nil) the checkpoint and configs found for it.
func (f *files) model(mf *modelFlags, m *model.Model) *files {
	f.in("--model", mf.path).in("--config", mf.config)
	if m != nil {
		f.in("--model", m.WeightsPath).in("--model", m.ConfigPaths...)
	}
	return f
}

// allowInPlace lets the output flag out name the input of flag in.
func (f *files) allowInPlace(out, in string) *files {
	if f.inPlace == nil {
		f.inPlace = map[string]string{}
	}
	f.inPlace[out] = in
	return f
}

func (f *files) check() error {
	for i, o := range f.outs {
		if err := f.checkSet(o); err != nil {
			return err
		}
		for _, prev := range f.outs[:i] {
			if samePath(prev.path, o.path) {
				return usagef("%s and %s both name %s; give each output its own file", prev.flag, o.flag, o.path)
			}
		}
	}
	return nil
}

func (f *files) checkSet(o outputSet) error {
	dir := filepath.Dir(o.path)
	if err := atomicfile.CheckTarget(o.path); err != nil && o.count == 1 {
		return usagef("%s %s: %v", o.flag, o.path, err)
	}
	if err := atomicfile.CheckTarget(filepath.Join(dir, "x")); err != nil {
		return usagef("%s %s: %v", o.flag, o.path, err)
	}
	if probe, err := os.CreateTemp(dir, ".tessera-probe*"); err != nil {
		return usagef("%s %s: cannot write in folder %s: %v", o.flag, o.path, dir, unwrapPath(err))
	} else {
		probe.Close()
		os.Remove(probe.Name())
	}
	targets := []string{o.path}
	if o.count > 1 {
		// Only the numbered names that exist can clash, whatever the count.
		entries, err := os.ReadDir(dir)
		if err != nil {
			return usagef("%s %s: %v", o.flag, o.path, unwrapPath(err))
		}
		targets = targets[:0]
		for _, e := range entries {
			if isNumbered(o.path, e.Name(), o.count) {
				p := filepath.Join(dir, e.Name())
				if err := atomicfile.CheckTarget(p); err != nil {
					return usagef("%s: %s (one of the %d numbered outputs) %v", o.flag, p, o.count, err)
				}
				targets = append(targets, p)
			}
		}
	}
	for _, t := range targets {
		for _, in := range f.ins {
			if samePath(t, in.path) && !(f.inPlace[o.flag] == in.flag && o.count == 1) {
				return usagef("%s %s is also the %s input: writing it would replace what the command reads; name another file", o.flag, t, in.flag)
			}
		}
	}
	return nil
}

// isNumbered reports whether name is one of the count names numbered()
// makes of path.
func isNumbered(path, name string, count int) bool {
	ext := filepath.Ext(path)
	stem := strings.TrimSuffix(filepath.Base(path), ext) + "-"
	if !strings.HasPrefix(name, stem) || !strings.HasSuffix(name, ext) || len(name) <= len(stem)+len(ext) {
		return false
	}
	n, err := strconv.Atoi(name[len(stem) : len(name)-len(ext)])
	return err == nil && n >= 1 && n <= count && strconv.Itoa(n) == name[len(stem):len(name)-len(ext)]
}

// samePath reports whether a and b name the same file.
func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == ab {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// unwrapPath drops the *PathError's operation and path, which the
// message already names.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// staging writes a command's outputs to temporary files beside them and
// renames them into place together at the end, so a command that fails
// half-way leaves nothing behind.
type staging struct {
	temps, finals []string
}

// file returns the temporary path to write final's content to.
func (s *staging) file(final string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(final), "."+filepath.Base(final)+".tessera*")
	if err != nil {
		return "", fmt.Errorf("%s: %v", final, unwrapPath(err))
	}
	f.Close()
	s.temps, s.finals = append(s.temps, f.Name()), append(s.finals, final)
	return f.Name(), nil
}

// commit renames every temporary file into place.
func (s *staging) commit() error {
	for i, t := range s.temps {
		if err := os.Rename(t, s.finals[i]); err != nil {
			s.temps = s.temps[i:]
			s.discard()
			return fmt.Errorf("%s: %v", s.finals[i], err)
		}
	}
	s.temps = nil
	return nil
}

// discard removes the temporary files not yet committed.
func (s *staging) discard() {
	for _, t := range s.temps {
		os.Remove(t)
	}
	s.temps = nil
}
