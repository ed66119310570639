package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesOrKeeps(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.txt")
	if err := WriteBytes(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(p, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(p); string(data) != "one" {
		t.Fatalf("a failed write left %q", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	if err := WriteBytes(filepath.Join(dir, "missing", "f"), nil); err == nil {
		t.Fatal("wrote into a missing directory")
	}
}

// A directory, a special file or a missing folder is refused in words,
// without a temporary file's name.
func TestWriteRefusesWhatItCannotReplace(t *testing.T) {
	dir := t.TempDir()
	for path, want := range map[string]string{
		dir:                                    "is a directory",
		os.DevNull:                             "is not a regular file",
		filepath.Join(dir, "missing", "f.txt"): "folder " + filepath.Join(dir, "missing") + " does not exist",
	} {
		err := WriteBytes(path, []byte("x"))
		if err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %q", path, err, want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}
