//go:build unix

package ckpt

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Class 7: a FIFO or a device given as a checkpoint is refused at once,
// without being opened (a FIFO would block the open).
func TestOpenRefusesSpecialFiles(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "m.ckpt")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skip(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for path, kind := range map[string]string{pipe: "a FIFO (named pipe)", "/dev/zero": "a character device", t.TempDir(): "a directory"} {
			if _, err := Open(path); err == nil || err.Error() != "ckpt: "+path+" is "+kind+", not a regular file" {
				t.Errorf("Open(%s): %v", path, err)
			}
			if _, err := SHA256(path); err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("SHA256(%s): %v", path, err)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("opening a FIFO blocked")
	}
}
