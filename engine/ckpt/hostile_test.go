package ckpt

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Hostile pickles: small files whose opcodes would each build something,
// built here in code. Each must fail with a named error while allocating
// far less than what it asks for.

// writeDeflatedZip writes a torch zip whose data.pkl is compressed, as a
// hostile file would be (torch itself stores it).
func writeDeflatedZip(t testing.TB, path string, pkl []byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "archive/data.pkl", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(pkl); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, buf.Bytes())
}

// repeated is a protocol-2 pickle: prefix, then body n times, then stop.
func repeated(prefix []byte, body []byte, n int) []byte {
	b := append([]byte{opProto, 2}, prefix...)
	b = append(b, bytes.Repeat(body, n)...)
	return append(b, opStop)
}

// allocDuring returns the bytes allocated while f runs.
func allocDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// hostileOpen opens path, wants an error naming it and every fragment, and
// allocation under limit.
func hostileOpen(t *testing.T, path string, limit uint64, fragments ...string) {
	t.Helper()
	alloc := allocDuring(func() { openErr(t, path, fragments...) })
	t.Logf("%s: allocated %d MiB", filepath.Base(path), alloc>>20)
	if alloc > limit {
		t.Errorf("%s: allocated %d MiB, want under %d MiB", filepath.Base(path), alloc>>20, limit>>20)
	}
}

// With the real limits: 3 million NONEs (3 MB, 12 KB compressed) would be
// 3 million values on the stack; the reader stops at the object limit.
func TestPickleObjectLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nones.ckpt")
	writeDeflatedZip(t, path, repeated(nil, []byte{opNone}, 3_000_000))
	if fi, _ := os.Stat(path); fi.Size() > 64<<10 {
		t.Fatalf("the hostile file is %d bytes; it is meant to be small", fi.Size())
	}
	hostileOpen(t, path, 256<<20, "archive/data.pkl", "more than 2097152 objects")
}

// With the real limits: 8 million EMPTY_DICTs (8 MB, about 8 KB
// compressed) asked for well over a gigabyte; the reader stops at the
// memory limit.
func TestPickleEmptyDictLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dicts.ckpt")
	writeDeflatedZip(t, path, repeated(nil, []byte{opEmptyDict}, 8_000_000))
	hostileOpen(t, path, 400<<20, "archive/data.pkl", "more than 256 MiB")
}

// lowLimits lowers the pickle limits for one test.
func lowLimits(t *testing.T, objects, bytes int64) {
	o, b := maxPickleObjects, maxPickleBytes
	maxPickleObjects, maxPickleBytes = objects, bytes
	t.Cleanup(func() { maxPickleObjects, maxPickleBytes = o, b })
}

// Every way of making values counts against the limits: references
// (DUP, BINGET), containers, memo entries, marks, strings, numbers and
// calls whose results grow.
func TestPickleLimitsCountEverything(t *testing.T) {
	lowLimits(t, 10_000, 1<<20)
	var list pickler
	list.op(opEmptyList, opBinPut, 0)
	var call pickler
	call.global("m", strings.Repeat("n", 1000)).op(opBinPut, 0)
	long := append([]byte{opLong1, 255}, make([]byte, 255)...)
	cases := []struct {
		name         string
		prefix, body []byte
		n            int
		want         string
	}{
		{"dup", []byte{opNone}, []byte{opDup}, 20_000, "objects"},
		{"memo refs", list.Bytes(), []byte{opBinGet, 0}, 20_000, "objects"},
		{"memo entries", []byte{opNone}, []byte{opMemoize}, 20_000, "objects"},
		{"marks", nil, []byte{opMark}, 20_000, "objects"},
		{"dicts", nil, []byte{opEmptyDict}, 9_000, "MiB"},
		{"lists", nil, []byte{opEmptyList, opNone, opAppend}, 6_000, "objects"},
		{"strings", nil, []byte{opShortBinUni, 200}, 0, ""}, // filled below
		{"longs", nil, long, 5_000, "MiB"},
		{"growing names", call.Bytes(), []byte{opEmptyTuple, opReduce}, 2_000, "MiB"},
	}
	str := append([]byte{opShortBinUni, 255}, bytes.Repeat([]byte{'x'}, 255)...)
	cases[6].body, cases[6].n, cases[6].want = str, 4_000, "MiB"
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := unpickle(repeated(c.prefix, c.body, c.n))
			if err == nil || !strings.Contains(err.Error(), "more than") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want the %s limit", err, c.want)
			}
		})
	}
}

// STACK_GLOBAL names are as short as GLOBAL's lines: two long strings
// would otherwise be joined into a new one per opcode.
func TestStackGlobalLongName(t *testing.T) {
	var p pickler
	p.proto().str(strings.Repeat("m", 5000)).str("n").op(opStackGlobal).stop()
	if _, err := unpickle(p.Bytes()); err == nil || !strings.Contains(err.Error(), "STACK_GLOBAL name longer than 1024 bytes") {
		t.Fatalf("err = %v", err)
	}
}

// A size or stride tuple longer than torch's rank limit is refused before
// it is converted.
func TestRebuildTensorRank(t *testing.T) {
	shape := make([]int64, 100)
	var p pickler
	p.proto().op(opEmptyDict).mark()
	p.str("w").tensor(storageRef{key: "0", class: "FloatStorage", numel: 1}, false, 0, shape, shape)
	p.op(opSetItems).stop()
	if _, err := unpickle(p.Bytes()); err == nil || !strings.Contains(err.Error(), "bad size") {
		t.Fatalf("err = %v", err)
	}
}

// A data.pkl whose header claims a huge unpacked size is refused before
// any of it is read.
func TestPickleStreamLimit(t *testing.T) {
	body := []byte{0x03, 0x00} // an empty deflate stream
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "archive/data.pkl", Method: zip.Deflate,
		CompressedSize64: uint64(len(body)), UncompressedSize64: 1 << 40, CRC32: crc32.ChecksumIEEE(nil)})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(body)
	zw.Close()
	path := writeFile(t, filepath.Join(t.TempDir(), "claims.ckpt"), buf.Bytes())
	openErr(t, path, "archive/data.pkl unpacks to 1099511627776 bytes, more than the 256 MiB")

	// One that claims little but holds more stops where its claim ends.
	lowStream := maxPickleStream
	t.Cleanup(func() { maxPickleStream = lowStream })
	maxPickleStream = 1 << 20
	big := filepath.Join(t.TempDir(), "big.ckpt")
	writeDeflatedZip(t, big, repeated(nil, []byte{opNone, opPop}, 1<<20))
	openErr(t, big, "unpacks to 2097155 bytes, more than the 1 MiB")
}

// The legacy format reads its pickles straight from the file: the same
// limits hold there.
func TestLegacyPickleLimit(t *testing.T) {
	lowLimits(t, 100_000, 64<<20)
	obj := repeated([]byte{opEmptyDict}, []byte{opNone}, 200_000)
	path := writeFile(t, filepath.Join(t.TempDir(), "legacy.pt"), legacyFile(obj, nil, nil, nil))
	openErr(t, path, "legacy checkpoint: object", "more than 100000 objects")
}

// The pickle's memory accounting covers what really is allocated: each
// hostile stream above, under a small budget, allocates no more than a
// few times that budget (the budget estimates what is held at the end;
// the stack's earlier backing arrays, garbage by then, come on top).
func TestPickleAccountingHoldsAllocation(t *testing.T) {
	const budget = 4 << 20
	lowLimits(t, 1<<30, budget)
	bodies := [][]byte{
		{opEmptyDict}, {opNone}, {opMark}, {opEmptyList, opNone, opAppend},
		{opEmptyTuple}, {opNone, opTuple1}, {opMark, opNone, opNone, opTuple},
		append([]byte{opShortBinBytes, 255}, make([]byte, 255)...),
	}
	for _, body := range bodies {
		data := repeated(nil, body, 2*budget/len(body))
		var err error
		alloc := allocDuring(func() { _, err = unpickle(data) })
		if err == nil || !strings.Contains(err.Error(), "MiB") {
			t.Errorf("opcodes %q: err = %v", body, err)
		}
		if alloc > 4*budget {
			t.Errorf("opcodes %q: allocated %d bytes under a %d-byte budget", body, alloc, budget)
		}
	}
}
