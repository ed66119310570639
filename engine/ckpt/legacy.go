package ckpt

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/big"
)

// legacyMagic opens every pre-1.6 torch.save file.
var legacyMagic, _ = new(big.Int).SetString("1950a86a20f9469cfc6c", 16)

// legacyProtocol is the torch serialization protocol version that follows it.
const legacyProtocol = 1001

// openLegacy reads the pre-1.6 format: consecutive pickles (magic, protocol
// version, sys_info, the object, the list of storage keys) followed, for each
// key in that order, by an int64 element count and the raw storage bytes.
func openLegacy(file string, f io.ReaderAt, size int64) (*File, error) {
	u := newUnpickler(io.NewSectionReader(f, 0, size), size)
	fail := func(what string, err error) error {
		return fmt.Errorf("ckpt: %s: legacy checkpoint: %s: %v", file, what, err)
	}
	magic, err := u.load()
	if err != nil {
		return nil, fail("magic number", err)
	}
	if m, ok := magic.(*big.Int); !ok || m.Cmp(legacyMagic) != 0 {
		return nil, fmt.Errorf("ckpt: %s: not a checkpoint (a pickle, but without torch's magic number)", file)
	}
	proto, err := u.load()
	if err != nil {
		return nil, fail("protocol version", err)
	}
	if proto != int64(legacyProtocol) {
		return nil, fmt.Errorf("ckpt: %s: unsupported legacy protocol version %v", file, proto)
	}
	sysInfo, err := u.load()
	if err != nil {
		return nil, fail("sys_info", err)
	}
	if d, ok := sysInfo.(*pyDict); ok {
		if le, ok := d.get("little_endian"); ok && le == false {
			return nil, fmt.Errorf("ckpt: %s: big-endian checkpoints are not supported", file)
		}
	}

	tp := newTorchPickle(file, true)
	tp.install(u)
	obj, err := u.load()
	if err != nil {
		return nil, fail("object", err)
	}
	u.call, u.persistent = nil, nil
	keysObj, err := u.load()
	if err != nil {
		return nil, fail("storage keys", err)
	}
	keys, ok := keysObj.(*pyList)
	if !ok {
		return nil, fmt.Errorf("ckpt: %s: legacy checkpoint: storage keys are a %s, not a list", file, typeName(keysObj))
	}
	if err := locateLegacyStorages(file, f, size, u.pos, keys.items, tp.storages); err != nil {
		return nil, err
	}
	if err := tp.resolveViews(); err != nil {
		return nil, err
	}
	tensors, meta, err := tp.collect(obj)
	if err != nil {
		return nil, err
	}
	if err := validateAll(tensors); err != nil {
		return nil, err
	}
	return &File{Path: file, Format: "torch-legacy", Tensors: tensors, Metadata: meta}, nil
}

// locateLegacyStorages walks the storage records from pos, reading only each
// 8-byte count and skipping the data, so optimizer state is never loaded.
func locateLegacyStorages(file string, f io.ReaderAt, size, pos int64, keys []any, storages map[string]*storage) error {
	for _, k := range keys {
		key, ok := k.(string)
		st := storages[key]
		if !ok || st == nil {
			return fmt.Errorf("ckpt: %s: legacy checkpoint lists storage %v, which the object never uses", file, k)
		}
		var hdr [8]byte
		if _, err := f.ReadAt(hdr[:], pos); err != nil {
			return fmt.Errorf("ckpt: %s: truncated: storage %s has no size record at byte %d", file, key, pos)
		}
		count := int64(binary.LittleEndian.Uint64(hdr[:]))
		if count < 0 || count > maxStorageElems {
			return fmt.Errorf("ckpt: %s: storage %s claims %d elements", file, key, count)
		}
		need := count * int64(st.dtype.Size())
		if has := size - pos - 8; need > has {
			return fmt.Errorf("ckpt: %s: truncated: storage %s needs %d bytes, has %d", file, key, need, has)
		}
		st.src, st.base, st.numel, st.resolved = f, pos+8, count, true
		pos += 8 + need
	}
	return nil
}
