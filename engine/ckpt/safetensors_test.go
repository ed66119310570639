package ckpt

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestWriteSafetensorsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.safetensors")
	in := map[string]*Data{
		"w":      {Shape: []int{2, 3}, F32: []float32{1, -2.5, 3, float32(math.Inf(1)), 0, 1e-30}},
		"idx":    {Shape: []int{3}, I64: []int64{-1, 0, 1 << 50}},
		"scalar": {Shape: []int{}, F32: []float32{7}},
		"empty":  {Shape: []int{0, 4}, F32: []float32{}},
	}
	meta := map[string]string{"format": "pt", "step": "12"}
	if err := WriteSafetensors(path, in, meta); err != nil {
		t.Fatal(err)
	}
	f := mustOpen(t, path)
	if f.Format != "safetensors" || !reflect.DeepEqual(f.Metadata, meta) {
		t.Errorf("format %q metadata %v", f.Format, f.Metadata)
	}
	if !reflect.DeepEqual(f.Keys(), []string{"empty", "idx", "scalar", "w"}) {
		t.Errorf("keys %v", f.Keys())
	}
	for name, d := range in {
		x := f.Tensors[name]
		got, err := x.Data()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Shape, d.Shape) || len(got.F32) != len(d.F32) || !reflect.DeepEqual(got.I64, d.I64) || !sameBits(got.F32, d.F32) {
			t.Errorf("%s: read back %+v, wrote %+v", name, got, d)
		}
	}

	// Same input, same bytes; and no temp files left behind.
	again := filepath.Join(dir, "again.safetensors")
	if err := WriteSafetensors(again, in, meta); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(path)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Error("two writes of the same tensors differ")
	}
	if n := binary.LittleEndian.Uint64(a); n%8 != 0 {
		t.Errorf("header length %d is not 8-byte aligned", n)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("directory holds %d entries, want 2", len(entries))
	}
}

// Converting a torch checkpoint to safetensors keeps every value.
func TestCheckpointToSafetensors(t *testing.T) {
	src := mustOpen(t, fixtureDir+"lightning.pt")
	out := map[string]*Data{}
	for k, x := range src.Tensors {
		d, err := x.Data()
		if err != nil {
			t.Fatal(err)
		}
		out[k] = d
	}
	path := filepath.Join(t.TempDir(), "conv.safetensors")
	if err := WriteSafetensors(path, out, src.Metadata); err != nil {
		t.Fatal(err)
	}
	f := mustOpen(t, path)
	for k, d := range out {
		got, err := f.Tensors[k].Float32()
		if err != nil || !sameBits(got, d.F32) {
			t.Errorf("%s: %v (%v), want %v", k, got, err, d.F32)
		}
	}
}

func TestWriteSafetensorsRejects(t *testing.T) {
	dir := t.TempDir()
	for name, tensors := range map[string]map[string]*Data{
		"count mismatch": {"a": {Shape: []int{2, 2}, F32: []float32{1, 2, 3}}},
		"both slices":    {"a": {Shape: []int{1}, F32: []float32{1}, I64: []int64{1}}},
		"metadata name":  {"__metadata__": {Shape: []int{1}, F32: []float32{1}}},
		"nil tensor":     {"a": nil},
		"negative dim":   {"a": {Shape: []int{-1}, F32: []float32{}}},
	} {
		path := filepath.Join(dir, "x.safetensors")
		if err := WriteSafetensors(path, tensors, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%s: a file was written", name)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %d files behind", len(entries))
	}
}

// safetensorsBytes assembles a file from a raw header and data section.
func safetensorsBytes(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

func TestBadSafetensorsHeaders(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 16)
	cases := []struct {
		name, header, want string
	}{
		{"json", `{"a": {"dtype": "F32",`, "bad safetensors header"},
		{"dtype", `{"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}`, `unsupported dtype "F8"`},
		{"range", `{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}`, "outside the 16-byte data section"},
		{"reversed", `{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}`, "data_offsets [8 4]"},
		{"span", `{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}`, "shape [3] of F32 needs 12 bytes, data_offsets span 16"},
		{"overlap", `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[2],"data_offsets":[4,12]}}`, "tensors a and b overlap"},
		{"shape", `{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`, "bad shape [-1]"},
		{"metadata", `{"__metadata__":{"n":3}}`, "__metadata__ must map strings to strings"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			openErr(t, writeFile(t, filepath.Join(dir, c.name+".safetensors"), safetensorsBytes(c.header, data)), c.want)
		})
	}
	long := binary.LittleEndian.AppendUint64(nil, 1<<40)
	long = append(long, "{}"...)
	openErr(t, writeFile(t, filepath.Join(dir, "long.safetensors"), long), "header length 1099511627776 does not fit")
}

// Safetensors reading covers every dtype, converted as torch would.
func TestSafetensorsDTypes(t *testing.T) {
	le := binary.LittleEndian
	cases := []struct {
		dtype string
		raw   []byte
		f32   []float32
	}{
		{"F32", le.AppendUint32(nil, math.Float32bits(-1.5)), []float32{-1.5}},
		{"F16", le.AppendUint16(nil, 0xc000), []float32{-2}},
		{"BF16", le.AppendUint16(nil, 0x3fc0), []float32{1.5}},
		{"F64", le.AppendUint64(nil, math.Float64bits(0.25)), []float32{0.25}},
		{"I64", le.AppendUint64(nil, uint64(1<<40)), []float32{1 << 40}},
		{"I32", le.AppendUint32(nil, 0xffffffff), []float32{-1}},
		{"I16", le.AppendUint16(nil, 0x8000), []float32{-32768}},
		{"I8", []byte{0x80}, []float32{-128}},
		{"U8", []byte{0x80}, []float32{128}},
		{"BOOL", []byte{2}, []float32{1}},
	}
	dir := t.TempDir()
	for _, c := range cases {
		header := `{"x":{"dtype":"` + c.dtype + `","shape":[1],"data_offsets":[0,` + string(rune('0'+len(c.raw))) + `]}}`
		f := mustOpen(t, writeFile(t, filepath.Join(dir, c.dtype), safetensorsBytes(header, c.raw)))
		x := f.Tensors["x"]
		got, err := x.Float32()
		if err != nil || !sameBits(got, c.f32) || x.DType.String() != c.dtype {
			t.Errorf("%s: %v %s (%v), want %v", c.dtype, got, x.DType, err, c.f32)
		}
		if _, err := x.Int64(); (err == nil) == x.DType.IsFloat() {
			t.Errorf("%s: Int64 error %v", c.dtype, err)
		}
	}
}

// Every finite half survives a round trip through float32, and narrowing
// rounds to nearest even.
func TestFloat32ToHalf(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		if h&0x7c00 == 0x7c00 && h&0x3ff != 0 {
			continue // NaN payloads are not kept bit for bit
		}
		if got := float32ToHalf(halfToFloat32(uint16(h))); got != uint16(h) {
			t.Fatalf("half %#04x came back as %#04x", h, got)
		}
	}
	cases := []struct {
		f    float32
		want uint16
	}{
		{1 + 1.0/2048, 0x3c00},    // a tie below: to even
		{1 + 3.0/2048, 0x3c02},    // a tie above: to even
		{65520, 0x7c00},           // past the largest half
		{1.0 / (1 << 25), 0},      // half the smallest subnormal: to even (zero)
		{1.5 / (1 << 24), 0x0002}, // 1.5 subnormal units: to even
		{-2, 0xc000},
	}
	for _, c := range cases {
		if got := float32ToHalf(c.f); got != c.want {
			t.Errorf("float32ToHalf(%g) = %#04x, want %#04x", c.f, got, c.want)
		}
	}
}

func TestWriteHalf(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.safetensors")
	if err := WriteSafetensors(path, map[string]*Data{"w": {Shape: []int{3}, F32: []float32{1, -0.5, 3.14159}, Half: true}}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tn := f.Tensors["w"]
	if tn.DType != F16 {
		t.Fatalf("stored as %v", tn.DType)
	}
	v, err := tn.Float32()
	if err != nil || v[0] != 1 || v[1] != -0.5 || math.Abs(float64(v[2])-3.14159) > 2e-3 {
		t.Fatalf("read back %v (%v)", v, err)
	}
}

func TestOpenBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := WriteSafetensors(path, map[string]*Data{"w": {Shape: []int{2}, F32: []float32{1, 2}}}, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := OpenBytes("builtin:m", raw)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := f.Tensors["w"].Float32()
	if err != nil || v[1] != 2 || f.Metadata["k"] != "v" {
		t.Fatalf("read %v, %v (%v)", v, f.Metadata, err)
	}
	if _, err := OpenBytes("builtin:junk", []byte("not a checkpoint")); err == nil || !strings.Contains(err.Error(), "builtin:junk") {
		t.Fatalf("junk gave %v", err)
	}
}
