// Package infile opens the files a user names for reading — models,
// configs, token grids, images — refusing anything that is not a regular
// file before opening it (a FIFO would block the open, a device such as
// /dev/zero reads without end), and reads whole files only up to a stated
// size. Errors name the file and do not start with a package name: the
// caller's package prefixes its own.
package infile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// NotRegularError is a path that names something other than a regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, Kind(e.Mode))
}

// Kind names the kind of file a mode describes, with its article.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "a regular file"
}

// TooLargeError is a file, or a part of one, beyond the size a reader
// takes.
type TooLargeError struct {
	Path  string
	What  string // "config", "token grid", "PNG metadata"
	Size  int64  // at least this many bytes; -1 when unknown
	Limit int64
}

func (e *TooLargeError) Error() string {
	if e.Size < 0 {
		return fmt.Sprintf("%s: the %s is larger than the %s limit", e.Path, e.What, FormatSize(e.Limit))
	}
	return fmt.Sprintf("%s: the %s is %s, more than the %s limit", e.Path, e.What, FormatSize(e.Size), FormatSize(e.Limit))
}

// Check reports whether path names a regular file (following symbolic
// links), with os.Stat only: nothing is opened.
func Check(path string) (fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	return fi, nil
}

// Open opens path for reading if it is a regular file. It is checked with
// os.Stat before the open, so a FIFO is refused instead of blocking, and
// again on the open file, in case the path was replaced in between.
func Open(path string) (*os.File, fs.FileInfo, error) {
	if _, err := Check(path); err != nil {
		return nil, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// ReadFile reads a regular file of at most limit bytes; what names its
// kind for the error.
func ReadFile(path string, limit int64, what string) ([]byte, error) {
	f, fi, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, &TooLargeError{Path: path, What: what, Size: fi.Size(), Limit: limit}
	}
	// The size may change while reading: read one byte past the limit to
	// tell.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: path, What: what, Size: -1, Limit: limit}
	}
	return data, nil
}

// FormatSize writes a size in binary units ("16 MiB", "1.5 GiB").
func FormatSize(n int64) string {
	const units = "KMGTPE"
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	v, i := float64(n)/1024, 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %ciB", int64(v), units[i])
	}
	return fmt.Sprintf("%.1f %ciB", v, units[i])
}
