package ckpt

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"tessera/engine/atomicfile"
)

// Data is an in-memory tensor to write. Exactly one of F32 and I64 holds the
// values, row-major, with len equal to the product of Shape (an empty Shape
// is a scalar holding one value).
type Data struct {
	Shape []int
	F32   []float32
	I64   []int64
	// Half stores F32's values as float16 (rounded to nearest even), for
	// files that ship: half the size, the precision of the released
	// taming checkpoints that Tessera reads as float16.
	Half bool
}

func (d *Data) dtype() DType {
	switch {
	case d.I64 != nil:
		return I64
	case d.Half:
		return F16
	}
	return F32
}

func (d *Data) check(name string) error {
	if d == nil {
		return fmt.Errorf("tensor %q is nil", name)
	}
	if d.F32 != nil && d.I64 != nil {
		return fmt.Errorf("tensor %q sets both F32 and I64", name)
	}
	n, ok := checkedNumel(d.Shape, maxStorageElems)
	if !ok {
		return fmt.Errorf("tensor %q: bad shape %v", name, d.Shape)
	}
	if have := len(d.F32) + len(d.I64); uint64(have) != n {
		return fmt.Errorf("tensor %q: shape %v needs %d values, has %d", name, d.Shape, n, have)
	}
	return nil
}

// WriteSafetensors writes tensors (F32 or I64) and string metadata as a
// safetensors file. Keys are laid out in sorted order so equal inputs give
// identical bytes, and the file appears atomically (temp file + rename), so
// a crash never leaves a half-written file under path.
func WriteSafetensors(path string, tensors map[string]*Data, metadata map[string]string) error {
	header := map[string]any{}
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	names := sortedKeys(tensors)
	var off int64
	for _, name := range names {
		d := tensors[name]
		if name == "" || name == "__metadata__" {
			return fmt.Errorf("ckpt: %s: invalid tensor name %q", path, name)
		}
		if err := d.check(name); err != nil {
			return fmt.Errorf("ckpt: %s: %v", path, err)
		}
		n := int64(len(d.F32)+len(d.I64)) * int64(d.dtype().Size())
		header[name] = stEntry{DType: d.dtype().String(), Shape: append([]int{}, d.Shape...), Offsets: []int64{off, off + n}}
		off += n
	}
	js, err := json.Marshal(header) // map keys come out sorted
	if err != nil {
		return fmt.Errorf("ckpt: %s: %v", path, err)
	}
	for len(js)%8 != 0 { // keep the data section 8-byte aligned
		js = append(js, ' ')
	}

	err = atomicfile.Write(path, func(w io.Writer) error {
		if err := binary.Write(w, binary.LittleEndian, uint64(len(js))); err != nil {
			return err
		}
		if _, err := w.Write(js); err != nil {
			return err
		}
		for _, name := range names {
			if err := writeValues(w, tensors[name]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ckpt: %s: write: %v", path, err)
	}
	return nil
}

// writeValues encodes a tensor's values little-endian.
func writeValues(w io.Writer, d *Data) error {
	var b [8]byte
	if d.Half {
		for _, v := range d.F32 {
			binary.LittleEndian.PutUint16(b[:], float32ToHalf(v))
			if _, err := w.Write(b[:2]); err != nil {
				return err
			}
		}
		return nil
	}
	for _, v := range d.F32 {
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
		if _, err := w.Write(b[:4]); err != nil {
			return err
		}
	}
	for _, v := range d.I64 {
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		if _, err := w.Write(b[:]); err != nil {
			return err
		}
	}
	return nil
}
