// Package ckpt reads PyTorch checkpoints (the zip format of torch >= 1.6 and
// the legacy pre-1.6 format, as written by Lightning) and safetensors files,
// and writes safetensors. It knows nothing of model architectures: a file is
// a set of named, lazily read tensors plus string metadata.
package ckpt

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"

	"tessera/engine/infile"
)

// File is an opened checkpoint. Its tensors read through the open file
// handle, so they work until Close.
type File struct {
	Path   string
	Format string // "torch-zip", "torch-legacy" or "safetensors"
	// Tensors are the weights: for torch files the entries of the top-level
	// "state_dict" dict, or of the top-level dict itself when it holds
	// tensors (a plain torch.save(model.state_dict())).
	Tensors map[string]*Tensor
	// Metadata is the safetensors __metadata__, or for torch files the scalar
	// top-level entries (epoch, global_step, pytorch-lightning_version, ...)
	// rendered as strings.
	Metadata map[string]string

	f io.Closer
}

// Open detects the format from the file's first bytes and reads its index
// (pickle or header), checking that every tensor fits its storage. No tensor
// data is read. Only a regular file is opened: a FIFO or a device is
// refused before the open, so it can neither block nor read without end.
func Open(path string) (*File, error) {
	f, fi, err := infile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ckpt: %v", err)
	}
	out, err := open(path, f, fi.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	out.f = f
	return out, nil
}

// OpenBytes opens a checkpoint held in memory (one embedded in the
// binary); name stands for its path in messages.
func OpenBytes(name string, data []byte) (*File, error) {
	return open(name, bytes.NewReader(data), int64(len(data)))
}

// open reads the index of a checkpoint held by r.
func open(path string, r io.ReaderAt, size int64) (*File, error) {
	head := make([]byte, min(size, 16))
	if _, err := r.ReadAt(head, 0); err != nil && len(head) > 0 {
		return nil, fmt.Errorf("ckpt: %s: %v", path, err)
	}
	switch {
	// Safetensors first: its length prefix may start with 0x80 too, but a
	// legacy pickle never has '{' at byte 8 (it holds the magic number).
	case len(head) > 8 && head[8] == '{':
		return openSafetensors(path, r, size)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return openTorchZip(path, r, size)
	case len(head) > 0 && head[0] == opProto:
		return openLegacy(path, r, size)
	}
	return nil, fmt.Errorf("ckpt: %s: not a checkpoint (starts with %q)", path, head[:min(len(head), 8)])
}

// Close releases the file handle; tensors cannot be read afterwards.
func (f *File) Close() error {
	if f.f == nil {
		return nil
	}
	err := f.f.Close()
	f.f = nil
	return err
}

// Keys returns the tensor names, sorted.
func (f *File) Keys() []string { return sortedKeys(f.Tensors) }

// SHA256 returns the hex SHA-256 digest of a file, streaming it.
func SHA256(path string) (string, error) {
	f, _, err := infile.Open(path)
	if err != nil {
		return "", fmt.Errorf("ckpt: %v", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("ckpt: %s: %v", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
