package ckpt

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// maxSafetensorsHeader caps the JSON header, as the reference implementation does.
const maxSafetensorsHeader = 100 << 20

// stEntry is one tensor's record in a safetensors header.
type stEntry struct {
	DType   string  `json:"dtype"`
	Shape   []int   `json:"shape"`
	Offsets []int64 `json:"data_offsets"`
}

// openSafetensors reads the header (8-byte little-endian length, then JSON)
// and checks every tensor's span; data is read lazily at its offset.
func openSafetensors(file string, f io.ReaderAt, size int64) (*File, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("ckpt: %s: bad safetensors header: %s", file, fmt.Sprintf(format, args...))
	}
	var lenBuf [8]byte
	if _, err := f.ReadAt(lenBuf[:], 0); err != nil {
		return nil, bad("%v", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > maxSafetensorsHeader || n > uint64(size-8) {
		return nil, bad("header length %d does not fit a %d-byte file", n, size)
	}
	hdr := make([]byte, n)
	if _, err := f.ReadAt(hdr, 8); err != nil {
		return nil, bad("%v", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &raw); err != nil {
		return nil, bad("%v", err)
	}
	dataStart := 8 + int64(n)
	dataLen := size - dataStart

	out := &File{Path: file, Format: "safetensors", Tensors: map[string]*Tensor{}, Metadata: map[string]string{}}
	if m, ok := raw["__metadata__"]; ok {
		if err := json.Unmarshal(m, &out.Metadata); err != nil {
			return nil, bad("__metadata__ must map strings to strings: %v", err)
		}
		delete(raw, "__metadata__")
	}
	type span struct {
		begin, end int64
		name       string
	}
	var spans []span
	for _, name := range sortedKeys(raw) {
		var e stEntry
		if err := json.Unmarshal(raw[name], &e); err != nil {
			return nil, bad("tensor %s: %v", name, err)
		}
		dt, ok := parseDType(e.DType)
		if !ok {
			return nil, bad("tensor %s: unsupported dtype %q", name, e.DType)
		}
		if len(e.Offsets) != 2 || e.Offsets[0] < 0 || e.Offsets[1] < e.Offsets[0] || e.Offsets[1] > dataLen {
			return nil, bad("tensor %s: data_offsets %v outside the %d-byte data section", name, e.Offsets, dataLen)
		}
		numel, ok := checkedNumel(e.Shape, maxStorageElems)
		if !ok || len(e.Shape) > maxRank {
			return nil, bad("tensor %s: bad shape %v", name, e.Shape)
		}
		b, end := e.Offsets[0], e.Offsets[1]
		if int64(numel)*int64(dt.Size()) != end-b {
			return nil, bad("tensor %s: shape %v of %s needs %d bytes, data_offsets span %d",
				name, e.Shape, dt, int64(numel)*int64(dt.Size()), end-b)
		}
		shape := append([]int{}, e.Shape...)
		st := &storage{name: name, file: file, dtype: dt, numel: int64(numel), src: f, base: dataStart + b, resolved: true}
		out.Tensors[name] = &Tensor{Name: name, DType: dt, Shape: shape, stor: st, strides: contiguousStrides(shape)}
		if end > b { // empty tensors occupy no bytes and cannot overlap
			spans = append(spans, span{b, end, name})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].begin < spans[j].begin })
	for i := 1; i < len(spans); i++ {
		if spans[i].begin < spans[i-1].end {
			return nil, bad("tensors %s and %s overlap", spans[i-1].name, spans[i].name)
		}
	}
	return out, nil
}
