package ckpt

import (
	"archive/zip"
	"fmt"
	"io"
	"path"
	"strings"
)

// maxPickleStream caps data.pkl as unpacked from the archive. torch
// compresses nothing, and a real data.pkl is well under a megabyte per
// thousand tensors; a compressed entry claiming more is refused before it
// is read. A variable only so tests can lower it.
var maxPickleStream int64 = 256 << 20

// openTorchZip reads a torch >= 1.6 checkpoint: a ZIP holding <prefix>/data.pkl
// and one STORED entry <prefix>/data/<key> per storage. Only data.pkl is
// read at Open; storages are reached at their offsets in the file.
func openTorchZip(file string, f io.ReaderAt, size int64) (*File, error) {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return nil, fmt.Errorf("ckpt: %s: not a readable zip archive (truncated or damaged): %v", file, err)
	}
	entries := map[string]*zip.File{}
	var pkl *zip.File
	for _, e := range zr.File {
		entries[e.Name] = e
		dir, base := path.Split(e.Name)
		if base != "data.pkl" || dir == "" || strings.Count(dir, "/") != 1 {
			continue
		}
		if pkl != nil {
			return nil, fmt.Errorf("ckpt: %s: zip archive has two pickles, %s and %s", file, pkl.Name, e.Name)
		}
		pkl = e
	}
	if pkl == nil {
		return nil, fmt.Errorf("ckpt: %s: zip archive has no */data.pkl entry, so it is not a torch checkpoint", file)
	}
	prefix := strings.TrimSuffix(pkl.Name, "data.pkl")
	if err := checkByteOrder(file, entries[prefix+"byteorder"]); err != nil {
		return nil, err
	}

	if pkl.UncompressedSize64 > uint64(maxPickleStream) {
		return nil, fmt.Errorf("ckpt: %s: %s unpacks to %d bytes, more than the %d MiB Tessera reads as a checkpoint's pickle",
			file, pkl.Name, pkl.UncompressedSize64, maxPickleStream>>20)
	}
	rc, err := pkl.Open()
	if err != nil {
		return nil, fmt.Errorf("ckpt: %s: %s: %v", file, pkl.Name, err)
	}
	defer rc.Close()
	tp := newTorchPickle(file, false)
	u := newUnpickler(rc, int64(pkl.UncompressedSize64))
	tp.install(u)
	obj, err := u.load()
	if err != nil {
		return nil, fmt.Errorf("ckpt: %s: %s: %v", file, pkl.Name, err)
	}
	tensors, meta, err := tp.collect(obj)
	if err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(tensors) {
		st := tensors[k].stor
		if st.resolved {
			continue
		}
		if err := locateZipStorage(file, f, size, st, entries[prefix+st.name]); err != nil {
			return nil, err
		}
	}
	if err := validateAll(tensors); err != nil {
		return nil, err
	}
	return &File{Path: file, Format: "torch-zip", Tensors: tensors, Metadata: meta}, nil
}

// locateZipStorage finds where a storage's bytes start in the archive file
// and checks the entry holds all of them.
func locateZipStorage(file string, f io.ReaderAt, fileSize int64, st *storage, e *zip.File) error {
	if e == nil {
		return fmt.Errorf("ckpt: %s: storage %s is missing from the archive", file, st.name)
	}
	if e.Method != zip.Store {
		return fmt.Errorf("ckpt: %s: storage %s is compressed (method %d); torch stores storages uncompressed", file, st.name, e.Method)
	}
	off, err := e.DataOffset()
	if err != nil {
		return fmt.Errorf("ckpt: %s: storage %s: %v", file, st.name, err)
	}
	need := st.numel * int64(st.dtype.Size())
	has := int64(min(e.UncompressedSize64, uint64(max(fileSize-off, 0))))
	if need > has {
		return fmt.Errorf("ckpt: %s: truncated: storage %s needs %d bytes, has %d", file, st.name, need, has)
	}
	st.src, st.base, st.resolved = f, off, true
	return nil
}

// checkByteOrder rejects big-endian archives; torch writes "little" here
// from 2.x on and nothing before, which also means little-endian.
func checkByteOrder(file string, e *zip.File) error {
	if e == nil {
		return nil
	}
	rc, err := e.Open()
	if err != nil {
		return fmt.Errorf("ckpt: %s: %s: %v", file, e.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 16))
	if err != nil {
		return fmt.Errorf("ckpt: %s: %s: %v", file, e.Name, err)
	}
	if strings.TrimSpace(string(b)) == "big" {
		return fmt.Errorf("ckpt: %s: big-endian checkpoints are not supported", file)
	}
	return nil
}
