package ckpt

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"strconv"

	"tessera/engine/atomicfile"
)

// The Python values WriteTorch pickles are nil (None), bool, int, int64,
// float32, float64, string, tensors, PyList, PyTuple and *PyDict. A tensor
// is a *Data, or a *Tensor of an open file, read only when its storage is
// written (so a large checkpoint can be copied a tensor at a time): float
// tensors become float32, integer and bool ones int64.

// PyList is a Python list.
type PyList []any

// PyTuple is a Python tuple.
type PyTuple []any

// PyDict is an insertion-ordered Python dict with string or integer keys.
// Ordered dicts are pickled as collections.OrderedDict, which is what
// torch's state_dict() returns; others as plain dicts.
type PyDict struct {
	Ordered bool
	keys    []any
	vals    []any
	index   map[any]int
}

// NewPyDict returns an empty dict; ordered makes it an OrderedDict.
func NewPyDict(ordered bool) *PyDict { return &PyDict{Ordered: ordered, index: map[any]int{}} }

// Set adds key, or replaces its value where it is already present, keeping
// its place. It returns d so that literals can be chained.
func (d *PyDict) Set(key, value any) *PyDict {
	if k, ok := key.(int); ok {
		key = int64(k) // one key for 3 and int64(3), as in Python
	}
	if i, ok := d.index[key]; ok {
		d.vals[i] = value
		return d
	}
	d.index[key] = len(d.keys)
	d.keys = append(d.keys, key)
	d.vals = append(d.vals, value)
	return d
}

// Len is the number of entries.
func (d *PyDict) Len() int { return len(d.keys) }

// zipAlign is where torch's writer starts every entry's data (a multiple of
// 64 bytes), padding the local header's extra field, so readers can map
// storages in place.
const zipAlign = 64

// WriteTorch writes obj as a torch checkpoint in the zip format torch.save
// uses since 1.6: archive/data.pkl (pickle protocol 2), one STORED entry
// archive/data/<n> per tensor with its raw little-endian values, and
// archive/version. Tensors become torch._utils._rebuild_tensor_v2 calls on
// a FloatStorage (F32) or LongStorage (I64), contiguous, at offset 0. The
// file appears atomically, and equal inputs give identical bytes.
func WriteTorch(path string, obj any) error {
	p := &torchPickler{}
	p.op(opProto, 2)
	if err := p.value(obj, "the checkpoint"); err != nil {
		return fmt.Errorf("ckpt: %s: %v", path, err)
	}
	p.op(opStop)

	err := atomicfile.Write(path, func(w io.Writer) error {
		zw := &alignedZip{zw: zip.NewWriter(w)}
		if err := zw.put("archive/data.pkl", p.buf.Bytes()); err != nil {
			return err
		}
		var raw []byte
		for i, v := range p.tensors {
			d, err := tensorData(v)
			if err != nil {
				return err
			}
			raw = encodeValues(raw[:0], d)
			if err := zw.put("archive/data/"+strconv.Itoa(i), raw); err != nil {
				return err
			}
		}
		if err := zw.put("archive/version", []byte("3\n")); err != nil {
			return err
		}
		return zw.zw.Close()
	})
	if err != nil {
		return fmt.Errorf("ckpt: %s: write: %v", path, err)
	}
	return nil
}

// alignedZip writes STORED entries whose data starts on zipAlign bytes. The
// CRC and sizes go into the local header (CreateRaw), so no data descriptor
// follows an entry and the next header's offset is known in advance.
type alignedZip struct {
	zw  *zip.Writer
	off int64
}

func (a *alignedZip) put(name string, data []byte) error {
	const localHeader = 30 // fixed part of a zip local file header
	start := a.off + localHeader + int64(len(name)) + 4
	pad := int((zipAlign - start%zipAlign) % zipAlign)
	// An extra field of id "FB" and the padding's length, as torch writes it.
	extra := make([]byte, 4+pad)
	extra[0], extra[1] = 'F', 'B'
	binary.LittleEndian.PutUint16(extra[2:], uint16(pad))
	w, err := a.zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Store, Extra: extra,
		CRC32: crc32.ChecksumIEEE(data), CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(data)),
	})
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	a.off = start + int64(pad) + int64(len(data))
	return nil
}

// tensorData holds a tensor's values in memory.
func tensorData(v any) (*Data, error) {
	if t, ok := v.(*Tensor); ok {
		return t.Data()
	}
	return v.(*Data), nil
}

// encodeValues appends a tensor's values little-endian to buf.
func encodeValues(buf []byte, d *Data) []byte {
	for _, v := range d.F32 {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
	}
	for _, v := range d.I64 {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(v))
	}
	return buf
}

// torchPickler emits the pickle; tensors are numbered in the order they are
// met, which names their storages.
type torchPickler struct {
	buf     bytes.Buffer
	tensors []any // *Data or *Tensor
}

func (p *torchPickler) op(b ...byte) { p.buf.Write(b) }

// value pickles v; at names where v sits, for errors.
func (p *torchPickler) value(v any, at string) error {
	switch v := v.(type) {
	case nil:
		p.op(opNone)
	case bool:
		if v {
			p.op(opNewTrue)
		} else {
			p.op(opNewFalse)
		}
	case int:
		p.int(int64(v))
	case int64:
		p.int(v)
	case float32:
		p.float(float64(v))
	case float64:
		p.float(v)
	case string:
		p.str(v)
	case *Data:
		if err := v.check(at); err != nil {
			return err
		}
		p.tensor(v, v.dtype() == I64, v.Shape, int64(len(v.F32)+len(v.I64)))
	case *Tensor:
		if v == nil {
			return fmt.Errorf("%s: nil tensor", at)
		}
		p.tensor(v, !v.DType.IsFloat(), v.Shape, int64(v.Numel()))
	case PyList:
		p.op(opEmptyList)
		if len(v) == 0 {
			return nil
		}
		p.op(opMark)
		for i, x := range v {
			if err := p.value(x, at+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		p.op(opAppends)
	case PyTuple:
		return p.tuple(v, at)
	case *PyDict:
		return p.dict(v, at)
	default:
		return fmt.Errorf("%s: cannot pickle a %T", at, v)
	}
	return nil
}

func (p *torchPickler) tuple(v PyTuple, at string) error {
	if len(v) == 0 {
		p.op(opEmptyTuple)
		return nil
	}
	if len(v) > 3 {
		p.op(opMark)
	}
	for i, x := range v {
		if err := p.value(x, at+"["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	switch len(v) {
	case 1:
		p.op(opTuple1)
	case 2:
		p.op(opTuple2)
	case 3:
		p.op(opTuple3)
	default:
		p.op(opTuple)
	}
	return nil
}

func (p *torchPickler) dict(d *PyDict, at string) error {
	if d == nil {
		return fmt.Errorf("%s: nil dict", at)
	}
	if d.Ordered {
		p.global("collections", "OrderedDict")
		p.op(opEmptyTuple, opReduce)
	} else {
		p.op(opEmptyDict)
	}
	if len(d.keys) == 0 {
		return nil
	}
	p.op(opMark)
	for i, k := range d.keys {
		var name string
		switch k := k.(type) {
		case string:
			name = k
			p.str(k)
		case int64:
			name = strconv.FormatInt(k, 10)
			p.int(k)
		default:
			return fmt.Errorf("%s: dict key %v is a %T, not a string or an int", at, k, k)
		}
		if err := p.value(d.vals[i], at+"."+name); err != nil {
			return err
		}
	}
	p.op(opSetItems)
	return nil
}

// tensor pickles _rebuild_tensor_v2(persistent_id, 0, size, stride, False,
// OrderedDict()), where the persistent id is ('storage', class, key, 'cpu',
// numel) and stride is row-major.
func (p *torchPickler) tensor(v any, long bool, shape []int, numel int64) {
	class := "FloatStorage"
	if long {
		class = "LongStorage"
	}
	key := strconv.Itoa(len(p.tensors))
	p.tensors = append(p.tensors, v)

	p.global("torch._utils", "_rebuild_tensor_v2")
	p.op(opMark)
	p.op(opMark)
	p.str("storage")
	p.global("torch", class)
	p.str(key)
	p.str("cpu")
	p.int(numel)
	p.op(opTuple, opBinPersID)
	p.int(0)
	size := make([]int64, len(shape))
	for i, d := range shape {
		size[i] = int64(d)
	}
	p.intTuple(size)
	p.intTuple(contiguousStrides(shape))
	p.op(opNewFalse)
	p.global("collections", "OrderedDict")
	p.op(opEmptyTuple, opReduce)
	p.op(opTuple, opReduce)
}

// intTuple pickles a tuple of ints (a size or a stride).
func (p *torchPickler) intTuple(vs []int64) {
	if len(vs) == 0 {
		p.op(opEmptyTuple)
		return
	}
	p.op(opMark)
	for _, v := range vs {
		p.int(v)
	}
	p.op(opTuple)
}

func (p *torchPickler) global(module, name string) {
	p.op(opGlobal)
	p.buf.WriteString(module + "\n" + name + "\n")
}

func (p *torchPickler) str(s string) {
	p.op(opBinUnicode)
	p.buf.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(s))))
	p.buf.WriteString(s)
}

// int uses the shortest of BININT1, BININT and LONG1 (8 bytes, two's
// complement), as Python's pickler does for these ranges.
func (p *torchPickler) int(v int64) {
	switch {
	case v >= 0 && v < 256:
		p.op(opBinInt1, byte(v))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		p.op(opBinInt)
		p.buf.Write(binary.LittleEndian.AppendUint32(nil, uint32(int32(v))))
	default:
		p.op(opLong1, 8)
		p.buf.Write(binary.LittleEndian.AppendUint64(nil, uint64(v)))
	}
}

func (p *torchPickler) float(v float64) {
	p.op(opBinFloat)
	p.buf.Write(binary.BigEndian.AppendUint64(nil, math.Float64bits(v)))
}

// Reshaped returns a view of a contiguous tensor with another shape of as
// many elements, as torch's view does; nothing is read.
func (t *Tensor) Reshaped(shape []int) (*Tensor, error) {
	if n, ok := checkedNumel(shape, maxStorageElems); !ok || n != uint64(t.Numel()) {
		return nil, t.errorf("cannot view shape %v as %v", t.Shape, shape)
	}
	if !t.contiguous() {
		return nil, t.errorf("cannot view a strided tensor (stride %v) as %v", t.strides, shape)
	}
	c := *t
	c.Shape, c.strides = append([]int{}, shape...), contiguousStrides(shape)
	return &c, nil
}
