// Package atomicfile writes files so that readers never see a partial one:
// the data goes to a temporary file beside the target, is synced, and is
// renamed over it. A crash mid-write leaves the old file untouched.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write creates path with mode 0644 from what fill writes. A path that
// names a directory or another file that is not a regular file (a device,
// a FIFO) is refused, as is one in a folder that does not exist; the
// errors say so without naming the temporary file.
func Write(path string, fill func(w io.Writer) error) error {
	if err := CheckTarget(path); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	w := bufio.NewWriter(tmp)
	err = fill(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return err
}

// WriteBytes creates path holding data.
func WriteBytes(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// CheckTarget reports whether path can be replaced by Write: it is a
// regular file or nothing yet, in a folder that exists. Errors do not
// repeat path, which callers name.
func CheckTarget(path string) error {
	if fi, err := os.Stat(path); err == nil {
		switch {
		case fi.IsDir():
			return errors.New("is a directory")
		case !fi.Mode().IsRegular():
			return errors.New("is not a regular file")
		}
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("folder %s does not exist", dir)
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("%s is not a folder", dir)
	}
	return nil
}
