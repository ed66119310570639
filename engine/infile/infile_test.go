//go:build unix

package infile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within fails the test if f takes longer than a few seconds: a FIFO
// opened for reading blocks until a writer comes.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { f(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s blocked", what)
	}
}

func fifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pipe.ckpt")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	return p
}

func TestSpecialFilesAreRefusedWithoutBlocking(t *testing.T) {
	pipe := fifo(t)
	for _, c := range []struct{ path, kind string }{
		{pipe, "is a FIFO (named pipe), not a regular file"},
		{"/dev/zero", "is a character device, not a regular file"},
		{t.TempDir(), "is a directory, not a regular file"},
	} {
		if _, err := os.Stat(c.path); err != nil {
			continue
		}
		within(t, "Open "+c.path, func() {
			f, _, err := Open(c.path)
			var nr *NotRegularError
			if err == nil {
				f.Close()
			}
			if !errors.As(err, &nr) || err.Error() != c.path+" "+c.kind {
				t.Errorf("Open(%s): %v", c.path, err)
			}
		})
		within(t, "ReadFile "+c.path, func() {
			if _, err := ReadFile(c.path, 1<<20, "config"); err == nil || !strings.Contains(err.Error(), c.kind) {
				t.Errorf("ReadFile(%s): %v", c.path, err)
			}
		})
	}
	// A link to a FIFO is the FIFO.
	link := filepath.Join(t.TempDir(), "link")
	os.Symlink(pipe, link)
	within(t, "Open link", func() {
		if _, _, err := Open(link); err == nil || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("Open(link): %v", err)
		}
	})
}

func TestReadFileCapsTheSize(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("12345"), 0o644)
	if b, err := ReadFile(small, 5, "config"); err != nil || string(b) != "12345" {
		t.Fatalf("at the limit: %q %v", b, err)
	}
	_, err := ReadFile(small, 4, "config")
	var tl *TooLargeError
	if !errors.As(err, &tl) || err.Error() != small+": the config is 5 bytes, more than the 4 bytes limit" {
		t.Errorf("over the limit: %v", err)
	}
	// A sparse file: refused from its size, never read.
	big := filepath.Join(dir, "big")
	f, _ := os.Create(big)
	f.Truncate(1 << 40)
	f.Close()
	if _, err := ReadFile(big, 16<<20, "config"); err == nil || err.Error() != big+": the config is 1 TiB, more than the 16 MiB limit" {
		t.Errorf("sparse: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "none"), 1, "config"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{12: "12 bytes", 1024: "1 KiB", 1536: "1.5 KiB", 16 << 20: "16 MiB", 128 << 20: "128 MiB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
