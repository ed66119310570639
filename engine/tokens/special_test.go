//go:build unix

package tokens

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Class 7: a grid path that is a FIFO or a device is refused at once; a
// file beyond MaxJSON is refused from its size; nothing is written that
// Read would refuse.
func TestGridFilesAreBounded(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "g.json")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skip(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for path, want := range map[string]string{
			pipe:        "tokens: " + pipe + " is a FIFO (named pipe), not a regular file",
			"/dev/zero": "tokens: /dev/zero is a character device, not a regular file",
		} {
			if _, _, err := Read(path); err == nil || err.Error() != want {
				t.Errorf("Read(%s): %v", path, err)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Read blocked on a FIFO")
	}
	big := filepath.Join(dir, "big.json")
	f, _ := os.Create(big)
	f.Truncate(MaxJSON + 1) // sparse: never read
	f.Close()
	if _, _, err := Read(big); err == nil || err.Error() != "tokens: "+big+": the token grid is 128.0 MiB, more than the 128 MiB limit" {
		t.Errorf("Read(big): %v", err)
	}

	defer func(old int) { maxJSON = old }(maxJSON)
	maxJSON = 200
	out := filepath.Join(dir, "out.json")
	err := Write(out, New(4, 4), map[string]any{"note": strings.Repeat("x", 300)})
	if err == nil || !strings.Contains(err.Error(), "more than the 200 bytes a grid file may hold (the parameters are 317 bytes of it)") {
		t.Errorf("Write: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("written anyway: %v", err)
	}
	if err := Write(out, New(4, 4), nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Read(out); err != nil {
		t.Fatal(err)
	}
}
