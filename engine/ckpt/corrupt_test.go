package ckpt

import (
	"archive/zip"
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// openErr opens path, expecting an error that names the file and contains
// every fragment.
func openErr(t *testing.T, path string, fragments ...string) {
	t.Helper()
	f, err := Open(path)
	if err == nil {
		f.Close()
		t.Fatalf("%s: opened without error", path)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "ckpt: ") || !strings.Contains(msg, path) {
		t.Errorf("error %q does not start with ckpt: and name %s", msg, path)
	}
	for _, frag := range fragments {
		if !strings.Contains(msg, frag) {
			t.Errorf("error %q lacks %q", msg, frag)
		}
	}
}

func fixtureBytes(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(fixtureDir + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCorruptContainers(t *testing.T) {
	dir := t.TempDir()
	zipBytes := fixtureBytes(t, "lightning.pt")
	legacyBytes := fixtureBytes(t, "legacy.pt")
	random := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(random)
	random[0] = 0x13

	var noPkl bytes.Buffer
	zw := zip.NewWriter(&noPkl)
	w, _ := zw.Create("model/weights.bin")
	w.Write([]byte("not a pickle"))
	zw.Close()

	cases := []struct {
		name      string
		data      []byte
		fragments []string
	}{
		{"truncated.zip", zipBytes[:len(zipBytes)/2], []string{"not a readable zip archive"}},
		{"truncated-legacy-pickle.pt", legacyBytes[:1500], []string{"legacy checkpoint", "pickle: at byte", "truncated"}},
		{"truncated-legacy-data.pt", legacyBytes[:len(legacyBytes)-2], []string{"truncated: storage", "needs", "has"}},
		{"random.bin", random, []string{"not a checkpoint (starts with"}},
		{"random80.bin", append([]byte{0x80, 0x02, 0xff}, random...), []string{"pickle", "unsupported opcode 0xff"}},
		{"nopkl.zip", noPkl.Bytes(), []string{"no */data.pkl"}},
		{"notes.txt", []byte("hello, this is a text file\n"), []string{`not a checkpoint (starts with "hello, t")`}},
		{"empty.ckpt", nil, []string{`not a checkpoint (starts with "")`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			openErr(t, writeFile(t, filepath.Join(dir, c.name), c.data), c.fragments...)
		})
	}
	openErr(t, filepath.Join(dir, "missing.ckpt"), "no such file")
}

// torchZipWith writes a one-tensor state_dict checkpoint for storage problems.
func torchZipWith(t *testing.T, name string, offset int64, shape, stride []int64, numel int64, data []byte) string {
	var p pickler
	s := storageRef{key: "0", class: "FloatStorage", numel: numel}
	p.proto().op(opEmptyDict).mark().str("state_dict").op(opEmptyDict).mark()
	p.str("encoder.conv_in.weight").tensor(s, false, offset, shape, stride)
	p.op(opSetItems, opSetItems).stop()
	path := filepath.Join(t.TempDir(), name)
	storages := map[string][]byte{}
	if data != nil {
		storages["0"] = data
	}
	writeTorchZip(t, path, "last/", p.Bytes(), storages)
	return path
}

func TestCorruptStorages(t *testing.T) {
	t.Run("short entry", func(t *testing.T) {
		path := torchZipWith(t, "last.ckpt", 0, []int64{2, 3}, []int64{3, 1}, 6, make([]byte, 10))
		openErr(t, path, "truncated: storage data/0 needs 24 bytes, has 10")
	})
	t.Run("view past storage", func(t *testing.T) {
		path := torchZipWith(t, "last.ckpt", 4, []int64{4, 6}, []int64{6, 1}, 24, make([]byte, 96))
		openErr(t, path, "tensor encoder.conv_in.weight: storage too small for shape [4 6] stride [6 1] offset 4")
	})
	t.Run("missing entry", func(t *testing.T) {
		path := torchZipWith(t, "last.ckpt", 0, []int64{2}, []int64{1}, 2, nil)
		openErr(t, path, "storage data/0 is missing")
	})
	t.Run("huge expand", func(t *testing.T) {
		path := torchZipWith(t, "last.ckpt", 0, []int64{1 << 30, 1 << 10}, []int64{0, 0}, 1, make([]byte, 4))
		openErr(t, path, "more elements than storage data/0 holds")
	})
	t.Run("compressed entry", func(t *testing.T) {
		var p pickler
		p.proto().op(opEmptyDict).mark().str("w").tensor(storageRef{key: "0", class: "FloatStorage", numel: 1}, false, 0, nil, nil)
		p.op(opSetItems).stop()
		path := filepath.Join(t.TempDir(), "deflated.ckpt")
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("x/data.pkl")
		w.Write(p.Bytes())
		w, _ = zw.Create("x/data/0") // Create deflates
		w.Write(make([]byte, 4))
		zw.Close()
		openErr(t, writeFile(t, path, buf.Bytes()), "storage data/0 is compressed")
	})
	t.Run("top level list", func(t *testing.T) {
		var p pickler
		p.proto().op(opEmptyList).stop()
		path := filepath.Join(t.TempDir(), "list.ckpt")
		writeTorchZip(t, path, "a/", p.Bytes(), nil)
		openErr(t, path, "top-level object is a list, not a dict")
	})
	t.Run("dict without tensors", func(t *testing.T) {
		var p pickler
		p.proto().op(opEmptyDict).str("epoch").int(1).op(opSetItem).stop()
		path := filepath.Join(t.TempDir(), "meta.ckpt")
		writeTorchZip(t, path, "a/", p.Bytes(), nil)
		openErr(t, path, "no state_dict and no tensors")
	})
}

// Legacy files may describe a storage as a view of another (view_metadata).
func TestLegacyViewMetadata(t *testing.T) {
	root := storageRef{key: "100", class: "FloatStorage", numel: 6}
	view := root
	view.view = []any{"101", int64(2), int64(3)}
	var p pickler
	p.proto().op(opEmptyDict).mark().str("state_dict").op(opEmptyDict).mark()
	p.str("whole").tensor(root, true, 0, []int64{2, 3}, []int64{3, 1})
	p.str("tail").tensor(view, true, 1, []int64{2}, []int64{1})
	p.op(opSetItems, opSetItems).stop()
	data := legacyFile(p.Bytes(), []string{"100"}, map[string][]byte{"100": f32Bytes(0, 1, 2, 3, 4, 5)}, map[string]int{"100": 4})
	f := mustOpen(t, writeFile(t, filepath.Join(t.TempDir(), "view.pt"), data))
	got, err := f.Tensors["tail"].Float32()
	if err != nil || !sameBits(got, []float32{3, 4}) {
		t.Fatalf("tail = %v, %v; want [3 4]", got, err)
	}

	unknown := legacyFile(p.Bytes(), []string{"100", "999"}, map[string][]byte{"100": f32Bytes(0, 1, 2, 3, 4, 5)}, map[string]int{"100": 4, "999": 4})
	openErr(t, writeFile(t, filepath.Join(t.TempDir(), "unknown.pt"), unknown), "lists storage 999, which the object never uses")
}

func TestReadAfterClose(t *testing.T) {
	f, err := Open(fixtureDir + "lightning.pt")
	if err != nil {
		t.Fatal(err)
	}
	x := f.Tensors["v.base"]
	f.Close()
	if _, err := x.Float32(); err == nil || !strings.Contains(err.Error(), "v.base") {
		t.Fatalf("read after Close: %v", err)
	}
}

// Shape is exported; a caller who damages it gets an error, not a panic or
// an out-of-range read. A Tensor not from Open cannot be read either.
func TestTensorMisuse(t *testing.T) {
	f := mustOpen(t, fixtureDir+"lightning.pt")
	x := f.Tensors["v.rows"]
	for _, shape := range [][]int{{-1, 6}, {4, 6}, {2}, {1 << 40, 1 << 40}} {
		x.Shape = shape
		if _, err := x.Float32(); err == nil {
			t.Errorf("shape %v: read without error", shape)
		}
	}
	if _, err := (&Tensor{Name: "z"}).Float32(); err == nil || !strings.Contains(err.Error(), "not opened from a file") {
		t.Errorf("zero Tensor: %v", err)
	}
	if _, err := open("empty", bytes.NewReader(nil), 0); err == nil || !strings.Contains(err.Error(), "not a checkpoint") {
		t.Errorf("empty reader: %v", err)
	}
}
