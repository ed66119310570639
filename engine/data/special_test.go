//go:build unix

package data

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Class 7: a FIFO named like an image in a data folder (or as a label map)
// is an error naming it, found while scanning, never a read that blocks.
func TestScanRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.png", noise(2, 2))
	pipe := filepath.Join(dir, "b.png")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skip(err)
	}
	labels := t.TempDir()
	write(t, labels, "a.png", labelMap(2, 2, func(x, y int) int { return 0 }))
	lpipe := filepath.Join(labels, "c.png")
	syscall.Mkfifo(lpipe, 0o600)
	images := t.TempDir()
	write(t, images, "c.png", noise(2, 2))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, err := Scan(dir, ScanOptions{})
		wantErr(t, err, "data: "+pipe+" is a FIFO (named pipe), not a regular file")
		_, err = Scan(images, ScanOptions{LabelDir: labels})
		wantErr(t, err, "data: label map for "+filepath.Join(images, "c.png")+": "+lpipe+" is a FIFO (named pipe), not a regular file")
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("scanning blocked on a FIFO")
	}
}
