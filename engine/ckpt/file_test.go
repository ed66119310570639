package ckpt

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

func TestSHA256(t *testing.T) {
	path := writeFile(t, filepath.Join(t.TempDir(), "abc"), []byte("abc"))
	got, err := SHA256(path)
	if want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; err != nil || got != want {
		t.Fatalf("SHA256 = %s, %v; want %s", got, err, want)
	}
	if _, err := SHA256(path + ".missing"); err == nil {
		t.Fatal("SHA256 of a missing file succeeded")
	}
}

func TestHalfToFloat32(t *testing.T) {
	for h, want := range map[uint16]float32{
		0x0000: 0, 0x3c00: 1, 0xc000: -2, 0x7bff: 65504, 0x3555: 0.33325195,
		0x0001: 5.9604645e-08, 0x03ff: 6.097555e-05, 0x0400: 6.1035156e-05,
		0x7c00: float32(math.Inf(1)), 0xfc00: float32(math.Inf(-1)),
	} {
		if got := halfToFloat32(h); got != want {
			t.Errorf("half %#04x = %v, want %v", h, got, want)
		}
	}
	if got := halfToFloat32(0x8000); got != 0 || !math.Signbit(float64(got)) {
		t.Errorf("half -0 = %v", got)
	}
	if got := halfToFloat32(0x7e00); got == got {
		t.Errorf("half NaN = %v", got)
	}
}

func TestKeysSorted(t *testing.T) {
	f := mustOpen(t, fixtureDir+"lightning.pt")
	keys := f.Keys()
	if len(keys) != len(f.Tensors) || !sort.StringsAreSorted(keys) {
		t.Fatalf("keys %v", keys)
	}
}

// A pickle stream that is not torch's legacy format is refused by name.
func TestPickleWithoutMagic(t *testing.T) {
	var p pickler
	p.proto().op(opEmptyDict).stop()
	openErr(t, writeFile(t, filepath.Join(t.TempDir(), "plain.pkl"), p.Bytes()), "without torch's magic number")
}

// FuzzOpen feeds whole files (zip, legacy, safetensors) through Open and
// reads every tensor it accepts; nothing may panic, and whatever Open
// accepts must read without error.
func FuzzOpen(f *testing.F) {
	for _, name := range []string{"dtypes.pt", "lightning.pt", "legacy.pt", "zip64.pt"} {
		b, err := os.ReadFile(fixtureDir + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(safetensorsBytes(`{"__metadata__":{"a":"b"},"x":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzzMemory(t, len(data))()
		file, err := open("fuzz", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for _, k := range file.Keys() {
			x := file.Tensors[k]
			if _, err := x.Float32(); err != nil {
				t.Fatalf("%s: accepted at open, then: %v", k, err)
			}
		}
	})
}
