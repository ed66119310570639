package ckpt

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// countingReader counts the reads a checkpoint makes of its file.
type countingReader struct {
	r     io.ReaderAt
	reads atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	c.reads.Add(1)
	return c.r.ReadAt(p, off)
}

// oneTensorFile is a safetensors file holding one 1-D tensor x of the
// given dtype and raw little-endian bytes.
func oneTensorFile(dtype string, raw []byte, es int) []byte {
	header := fmt.Sprintf(`{"x":{"dtype":%q,"shape":[%d],"data_offsets":[0,%d]}}`, dtype, len(raw)/es, len(raw))
	return safetensorsBytes(header, raw)
}

// openCounting opens data through a countingReader.
func openCounting(t *testing.T, data []byte) (*File, *countingReader) {
	t.Helper()
	path := writeFile(t, filepath.Join(t.TempDir(), "x.safetensors"), data)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	cr := &countingReader{r: f}
	out, err := open(path, cr, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return out, cr
}

// A float32 tensor is one read however large; a float16 one is a read per
// readSpan, and converts on all cores to the same values as one at a time.
func TestLargeTensorsReadInFewSpans(t *testing.T) {
	const n = 3 << 20 // 12 MiB of float32, 6 MiB of float16
	want := make([]float32, n)
	f32 := make([]byte, 0, 4*n)
	f16 := make([]byte, 0, 2*n)
	for i := range want {
		h := uint16(i * 7919) // every bit pattern, NaNs and subnormals included
		want[i] = halfToFloat32(h)
		f16 = binary.LittleEndian.AppendUint16(f16, h)
		f32 = binary.LittleEndian.AppendUint32(f32, math.Float32bits(want[i]))
	}
	for _, c := range []struct {
		dtype string
		raw   []byte
		es    int
		reads int64
	}{{"F32", f32, 4, 1}, {"F16", f16, 2, (2*n + readSpan - 1) / readSpan}} {
		file, cr := openCounting(t, oneTensorFile(c.dtype, c.raw, c.es))
		before := cr.reads.Load()
		got, err := file.Tensors["x"].Float32()
		if err != nil {
			t.Fatal(err)
		}
		if reads := cr.reads.Load() - before; reads != c.reads {
			t.Errorf("%s: %d reads of %d bytes, want %d", c.dtype, reads, len(c.raw), c.reads)
		}
		if !sameBits(got, want) {
			t.Errorf("%s: values differ from the element-wise conversion", c.dtype)
		}
	}
}

// BenchmarkFloat32 times reading a 16 MiB-element tensor held in memory, so
// only conversion is measured.
func BenchmarkFloat32(b *testing.B) {
	const n = 16 << 20
	for _, c := range []struct {
		dtype string
		es    int
	}{{"F32", 4}, {"F16", 2}, {"BF16", 2}} {
		raw := make([]byte, c.es*n)
		for i := 0; i < len(raw); i += 2 {
			binary.LittleEndian.PutUint16(raw[i:], uint16(0x3c00+i%1000)) // finite in every dtype
		}
		f, err := OpenBytes(c.dtype, oneTensorFile(c.dtype, raw, c.es))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.dtype, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := f.Tensors["x"].Float32(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
