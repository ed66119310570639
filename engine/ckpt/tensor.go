package ckpt

import (
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unsafe"
)

// maxStorageElems bounds element counts of storages and shapes: far beyond
// any real weight (4 TiB of float32), and small enough that byte-size
// arithmetic cannot overflow int64.
const maxStorageElems = 1 << 40

// maxExpandedElems bounds views that repeat storage elements (stride 0, as
// torch's expand makes): beyond this many elements a view may not hold more
// elements than its storage. Otherwise a tiny hostile file could make
// Float32 allocate gigabytes; with it, reads allocate in proportion to the
// file.
const maxExpandedElems = 1 << 20

// readSpan is the largest read of a contiguous tensor that is converted
// on its way in: few enough system calls that a 400 MB checkpoint needs a
// few hundred, and a buffer small beside the float32 result. Float32
// tensors need no buffer: they are read straight into the result.
const readSpan = 4 << 20

// storage is a flat run of elements in a file: a torch storage, or the data
// span of one safetensors tensor. Several tensors may view the same storage.
type storage struct {
	name  string // "data/3" in a zip, the key in a legacy file, the tensor name in safetensors
	file  string // path, for error messages
	dtype DType
	numel int64 // elements available

	// Set once the container knows where the bytes are.
	src      io.ReaderAt
	base     int64 // byte offset of element 0 in src
	resolved bool

	// Legacy files can pickle a storage as a view of another (view_metadata).
	root       *storage
	rootOffset int64 // elements into root
}

// Tensor is a lazy handle on a stored tensor: a view (offset, shape, strides)
// into a storage. Nothing is read until Float32 or Int64 is called.
type Tensor struct {
	Name  string
	DType DType
	Shape []int

	stor    *storage
	offset  int64   // storage offset in elements
	strides []int64 // in elements
}

// Numel is the number of elements (1 for a scalar).
func (t *Tensor) Numel() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

func (t *Tensor) errorf(format string, args ...any) error {
	file := "(no file)"
	if t.stor != nil {
		file = t.stor.file
	}
	return fmt.Errorf("ckpt: %s: tensor %s: %s", file, t.Name, fmt.Sprintf(format, args...))
}

// validate checks that the view fits its storage, so reads cannot go out of
// range and bad files fail at Open. It checks overflow at every step, and
// runs again before each read because Shape is an exported field.
func (t *Tensor) validate() error {
	if t.stor == nil {
		return t.errorf("not opened from a file")
	}
	if !t.stor.resolved {
		return t.errorf("storage %s was never located", t.stor.name)
	}
	if len(t.Shape) != len(t.strides) {
		return t.errorf("shape %v and stride %v differ in rank", t.Shape, t.strides)
	}
	numel, ok := checkedNumel(t.Shape, maxStorageElems)
	if !ok || numel > uint64(max(t.stor.numel, maxExpandedElems)) {
		return t.errorf("shape %v has more elements than storage %s holds (%d)", t.Shape, t.stor.name, t.stor.numel)
	}
	tooSmall := func() error {
		return t.errorf("storage too small for shape %v stride %v offset %d (storage %s holds %d elements)",
			t.Shape, t.strides, t.offset, t.stor.name, t.stor.numel)
	}
	if t.offset < 0 {
		return tooSmall()
	}
	last := uint64(t.offset) // highest element index the view touches
	for i, d := range t.Shape {
		if t.strides[i] < 0 {
			return t.errorf("negative stride %v", t.strides)
		}
		if d == 0 {
			continue
		}
		hi, span := bits.Mul64(uint64(d-1), uint64(t.strides[i]))
		sum, carry := bits.Add64(last, span, 0)
		if hi != 0 || carry != 0 {
			return tooSmall()
		}
		last = sum
	}
	if numel > 0 && last >= uint64(t.stor.numel) {
		return tooSmall()
	}
	return nil
}

// contiguous reports whether the view is one row-major run of the storage.
func (t *Tensor) contiguous() bool {
	want := int64(1)
	for i := len(t.Shape) - 1; i >= 0; i-- {
		if t.Shape[i] != 1 && t.strides[i] != want {
			return false
		}
		want *= int64(t.Shape[i])
	}
	return true
}

// Float32 returns the values as a new contiguous row-major slice, converted
// from any dtype on all cores. It reads from the file on every call;
// tensors may be read concurrently.
func (t *Tensor) Float32() ([]float32, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	out := make([]float32, t.Numel())
	if t.DType == F32 && len(out) > 0 && t.contiguous() && hostLittleEndian {
		// The file's bytes are already the result's: read them in place.
		if err := t.readAt(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), 4*len(out)), t.offset); err != nil {
			return nil, err
		}
		return out, nil
	}
	err := t.visit(func(raw []byte, at int) {
		decodeF32Parallel(t.DType, raw, out[at:at+len(raw)/t.DType.Size()])
	})
	return out, err
}

// Int64 returns integer or bool values as a new contiguous row-major slice;
// float tensors are an error.
func (t *Tensor) Int64() ([]int64, error) {
	if t.DType.IsFloat() {
		return nil, t.errorf("Int64 of a %s tensor", t.DType)
	}
	if err := t.validate(); err != nil {
		return nil, err
	}
	out := make([]int64, t.Numel())
	err := t.visit(func(raw []byte, at int) {
		decodeI64(t.DType, raw, out[at:at+len(raw)/t.DType.Size()])
	})
	return out, err
}

// visit hands fn the raw bytes of the tensor's elements in row-major order,
// a run at a time; at is the index of the run's first element. The caller
// has validated the view.
func (t *Tensor) visit(fn func(raw []byte, at int)) error {
	n := int64(t.Numel())
	if n == 0 {
		return nil
	}
	es := int64(t.DType.Size())
	if t.contiguous() {
		buf := make([]byte, min(n*es, readSpan))
		for done := int64(0); done < n; {
			k := min(n-done, int64(len(buf))/es)
			if err := t.readAt(buf[:k*es], t.offset+done); err != nil {
				return err
			}
			fn(buf[:k*es], int(done))
			done += k
		}
		return nil
	}
	return t.gather(fn)
}

// gather handles strided views (transposes, narrows, expands): it reads the
// span of storage the view covers once, then walks it with the strides.
func (t *Tensor) gather(fn func(raw []byte, at int)) error {
	es := int64(t.DType.Size())
	last := t.offset
	for i, d := range t.Shape {
		last += int64(d-1) * t.strides[i]
	}
	span := make([]byte, (last-t.offset+1)*es)
	if err := t.readAt(span, t.offset); err != nil {
		return err
	}
	rank := len(t.Shape)
	inner, innerStride := int64(1), int64(1)
	if rank > 0 {
		inner, innerStride = int64(t.Shape[rank-1]), t.strides[rank-1]
	}
	idx := make([]int, rank) // odometer over all but the innermost dimension
	for at := 0; at < t.Numel(); at += int(inner) {
		pos := int64(0)
		for d := 0; d < rank-1; d++ {
			pos += int64(idx[d]) * t.strides[d]
		}
		if innerStride == 1 {
			fn(span[pos*es:(pos+inner)*es], at)
		} else {
			for j := int64(0); j < inner; j++ {
				p := (pos + j*innerStride) * es
				fn(span[p:p+es], at+int(j))
			}
		}
		for d := rank - 2; d >= 0; d-- {
			if idx[d]++; idx[d] < t.Shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return nil
}

// readAt fills buf from the storage starting at element elem.
func (t *Tensor) readAt(buf []byte, elem int64) error {
	s := t.stor
	off := s.base + elem*int64(s.dtype.Size())
	if _, err := s.src.ReadAt(buf, off); err != nil {
		if errors.Is(err, io.EOF) {
			return t.errorf("truncated: storage %s ends before byte %d", s.name, off+int64(len(buf)))
		}
		return t.errorf("read storage %s: %v", s.name, err)
	}
	return nil
}

// Data copies the tensor into memory for writing: integer and bool tensors
// become I64, float tensors F32.
func (t *Tensor) Data() (*Data, error) {
	d := &Data{Shape: append([]int{}, t.Shape...)}
	var err error
	if t.DType.IsFloat() {
		d.F32, err = t.Float32()
	} else {
		d.I64, err = t.Int64()
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// contiguousStrides returns row-major strides for shape.
func contiguousStrides(shape []int) []int64 {
	st := make([]int64, len(shape))
	acc := int64(1)
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= int64(shape[i])
	}
	return st
}

// checkedNumel multiplies dims, failing on negatives and on overflow past limit.
func checkedNumel(shape []int, limit uint64) (uint64, bool) {
	n := uint64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > limit {
			return 0, false
		}
		n = lo
	}
	return n, true
}
