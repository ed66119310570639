package ckpt

import (
	"archive/zip"
	"bytes"
	"io"
	"math/big"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func unpickle(data []byte) (any, error) {
	u := newUnpickler(bytes.NewReader(data), int64(len(data)))
	newTorchPickle("test", false).install(u)
	return u.load()
}

func TestPickleValues(t *testing.T) {
	var p pickler
	p.proto().mark()
	p.op(opNone, opNewTrue, opNewFalse)
	p.int(200).op(opBinInt2, 0x34, 0x12).int(-5).int(1 << 40)
	p.op(opLong1, 2, 0xff, 0x7f)                // 32767
	p.op(opLong1, 1, 0xff)                      // -1
	p.op(opLong1, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1) // 2^64
	p.op(opLong4, 0, 0, 0, 0)                   // 0
	p.float(0.5)
	p.op(opShortBinUni, 2, 'h', 'i').op(opShortBinString, 1, 'b').op(opShortBinBytes, 2, 1, 2)
	p.op(opBinUnicode8, 1, 0, 0, 0, 0, 0, 0, 0, 'x')
	p.op(opBinBytes, 1, 0, 0, 0, 9).op(opBinString, 1, 0, 0, 0, 's')
	p.op(opTuple).stop()
	v, err := unpickle(p.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	two64, _ := new(big.Int).SetString("18446744073709551616", 10)
	want := pyTuple{nil, true, false, int64(200), int64(0x1234), int64(-5), int64(1 << 40), int64(32767), int64(-1), two64, int64(0), 0.5, "hi", "b", []byte{1, 2}, "x", []byte{9}, "s"}
	got := v.(pyTuple)
	if len(got) != len(want) {
		t.Fatalf("got %d values, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if wb, ok := w.(*big.Int); ok {
			if gb, ok := g.(*big.Int); !ok || gb.Cmp(wb) != 0 {
				t.Errorf("value %d: got %#v, want %v", i, g, wb)
			}
		} else if !reflect.DeepEqual(g, w) {
			t.Errorf("value %d: got %#v, want %#v", i, g, w)
		}
	}
}

// Containers, memo, and the placeholder rules that let Lightning extras
// through: a GLOBAL as dict key, REDUCE/NEWOBJ/BUILD/SETITEM on unknown
// objects, OrderedDict with its _metadata BUILD.
func TestPickleStructures(t *testing.T) {
	var p pickler
	p.proto().op(opEmptyDict).op(opBinPut, 0).mark()
	p.str("list").op(opEmptyList).op(opBinPut, 1).int(1).op(opAppend).mark().int(2).int(3).op(opAppends)
	p.str("again").op(opBinGet, 1)
	p.str("od").global("collections", "OrderedDict").op(opEmptyTuple, opReduce).str("k").int(9).op(opSetItem)
	p.op(opEmptyDict).str("_metadata").op(opEmptyDict).op(opSetItem, opBuild)
	p.str("cb").op(opEmptyDict).global("pytorch_lightning.callbacks", "ModelCheckpoint").str("v").op(opSetItem)
	p.str("hp").global("omegaconf", "DictConfig").op(opEmptyTuple, opNewObj).str("embed_dim").int(16).op(opSetItem)
	p.op(opEmptyDict, opBuild)
	p.str("np").global("numpy.core.multiarray", "scalar").global("numpy", "dtype").str("f8").op(opNewFalse, opNewTrue, opTuple3, opReduce)
	p.mark().int(3).str("<").op(opNone, opTuple).op(opBuild).op(opShortBinBytes, 1, 0).op(opTuple2, opReduce)
	p.str("sg").str("pathlib").str("PosixPath").op(opStackGlobal).op(opMemoize).op(opEmptyTuple, opReduce)
	p.op(opSetItems).stop()
	v, err := unpickle(p.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	d := v.(*pyDict)
	l, _ := d.get("list")
	if items := l.(*pyList).items; len(items) != 3 || items[2] != int64(3) {
		t.Errorf("list %v", items)
	}
	if again, _ := d.get("again"); again != l {
		t.Error("BINGET did not return the memoised list")
	}
	od, _ := d.get("od")
	if k, _ := od.(*pyDict).get("k"); k != int64(9) {
		t.Errorf("OrderedDict %v", od)
	}
	cb, _ := d.get("cb")
	if key, ok := cb.(*pyDict).keys[0].(*pyObject); !ok || key.name != "pytorch_lightning.callbacks.ModelCheckpoint" {
		t.Errorf("callbacks key %v", cb.(*pyDict).keys)
	}
	for _, k := range []string{"hp", "np", "sg"} {
		if x, _ := d.get(k); x == nil {
			t.Errorf("%s missing", k)
		} else if _, ok := x.(*pyObject); !ok {
			t.Errorf("%s is a %s, want a placeholder", k, typeName(x))
		}
	}
}

// Malformed pickles fail with an error, never a panic or a huge allocation.
func TestPickleMalformed(t *testing.T) {
	cases := map[string]struct {
		data []byte
		want string
	}{
		"empty":          {nil, "truncated"},
		"no stop":        {[]byte{opProto, 2, opNone}, "truncated"},
		"bad opcode":     {[]byte{opProto, 2, 0xfe}, "unsupported opcode 0xfe"},
		"underflow":      {[]byte{opProto, 2, opTuple2}, "stack underflow"},
		"stop on empty":  {[]byte{opStop}, "stack underflow"},
		"below mark":     {[]byte{opNone, opMark, opTuple1}, "stack underflow"},
		"no mark":        {[]byte{opNone, opTuple}, "no MARK"},
		"memo miss":      {[]byte{opBinGet, 7}, "memo has no entry 7"},
		"put on empty":   {[]byte{opBinPut, 0}, "stack underflow"},
		"huge string":    {[]byte{opBinUnicode, 0xff, 0xff, 0xff, 0xff}, "exceeds"},
		"long string":    {[]byte{opBinUnicode, 0xff, 0xff, 0, 0, 'a'}, "truncated: need 65535 bytes, have 1"},
		"huge unicode8":  {[]byte{opBinUnicode8, 0, 0, 0, 0, 0, 0, 0, 0x80}, "exceeds"},
		"negative long4": {[]byte{opLong4, 0, 0, 0, 0x80}, "negative LONG4"},
		"proto 9":        {[]byte{opProto, 9}, "unsupported pickle protocol 9"},
		"endless global": {append([]byte{opGlobal}, bytes.Repeat([]byte("a"), 2000)...), "GLOBAL line longer"},
		"call a string":  {[]byte{opShortBinUni, 1, 'f', opEmptyTuple, opReduce}, "call of a str"},
		"args not tuple": {[]byte{opGlobal, 'a', '\n', 'b', '\n', opNone, opReduce}, "want a tuple"},
		"setitem on int": {[]byte{opBinInt1, 1, opNone, opNone, opSetItem}, "SETITEM on int"},
		"append on str":  {[]byte{opShortBinUni, 0, opNone, opAppend}, "APPEND on str"},
		"odd dict":       {[]byte{opEmptyDict, opMark, opNone, opSetItems}, "odd number"},
		"bad persid":     {[]byte{opNone, opBinPersID}, "not a storage tuple"},
		"bad tensor":     {[]byte{opGlobal, 't', 'o', 'r', 'c', 'h', '.', '_', 'u', 't', 'i', 'l', 's', '\n', '_', 'r', 'e', 'b', 'u', 'i', 'l', 'd', '_', 't', 'e', 'n', 's', 'o', 'r', '_', 'v', '2', '\n', opEmptyTuple, opReduce}, "needs at least 4 arguments"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := unpickle(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}

// Deep nesting and self-reference cost no recursion.
func TestPickleDeepAndCyclic(t *testing.T) {
	deep := append(bytes.Repeat([]byte{opMark}, 200000), opNone)
	deep = append(deep, bytes.Repeat([]byte{opTuple}, 200000)...)
	deep = append(deep, opStop)
	if _, err := unpickle(deep); err != nil {
		t.Fatalf("deep tuples: %v", err)
	}
	var p pickler
	p.op(opEmptyList, opBinPut, 0, opBinGet, 0, opAppend, opStop) // l.append(l)
	v, err := unpickle(p.Bytes())
	if err != nil || v.(*pyList).items[0] != v {
		t.Fatalf("self-referencing list: %v %v", v, err)
	}
}

// pickleSeeds are the data.pkl streams of the real and generated
// checkpoints plus the hand-made cases above.
func pickleSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, path := range []string{
		tinyDir + "vqgan/checkpoints/last.ckpt", tinyDir + "cin_transformer/checkpoints/last.ckpt",
		tinyDir + "seg_transformer/checkpoints/last.ckpt", fixtureDir + "dtypes.pt", fixtureDir + "lightning.pt",
	} {
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range zr.File {
			if strings.HasSuffix(e.Name, "/data.pkl") {
				rc, _ := e.Open()
				b, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
				seeds = append(seeds, b)
			}
		}
		zr.Close()
	}
	legacy, err := os.ReadFile(fixtureDir + "legacy.pt")
	if err != nil {
		t.Fatal(err)
	}
	return append(seeds, legacy)
}

// FuzzPickle runs arbitrary bytes through the unpickler with torch semantics,
// then through what Open does with the result: collecting the state_dict,
// validating views against storages and reading them. Nothing may panic.
func FuzzPickle(f *testing.F) {
	for _, s := range pickleSeeds(f) {
		f.Add(s)
	}
	var p pickler
	p.proto().op(opEmptyDict).mark().lightningExtras().str("state_dict").op(opEmptyDict).mark()
	p.str("a").tensor(storageRef{key: "0", class: "HalfStorage", numel: 8}, false, 1, []int64{2, 3}, []int64{1, 2})
	p.str("b").tensor(storageRef{key: "1", class: "LongStorage", numel: 4}, true, 0, []int64{4, 2}, []int64{1, 0})
	p.op(opSetItems, opSetItems).stop()
	f.Add(p.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzzMemory(t, len(data))()
		u := newUnpickler(bytes.NewReader(data), int64(len(data)))
		tp := newTorchPickle("fuzz", false)
		tp.install(u)
		obj, err := u.load()
		if err != nil {
			return
		}
		tensors, _, err := tp.collect(obj)
		if err != nil {
			return
		}
		backing := bytes.NewReader(make([]byte, 256))
		for _, st := range tp.storages {
			st.numel = min(st.numel, int64(256/st.dtype.Size()))
			st.src, st.resolved = backing, true
		}
		for _, x := range tensors {
			if x.validate() != nil {
				continue
			}
			if _, err := x.Float32(); err != nil {
				t.Fatalf("valid tensor %s failed to read: %v", x.Name, err)
			}
		}
	})
}

// fuzzMemory lowers the pickle limits to a small budget for one fuzz input
// and returns the check to defer: the parse may allocate no more than a
// few times that budget plus a fixed multiple of the input's size (zip
// and safetensors headers are parsed uncharged, in proportion to their
// bytes). Whatever an input does, its memory stays bounded.
func fuzzMemory(t *testing.T, n int) func() {
	const budget = 1 << 20
	o, b := maxPickleObjects, maxPickleBytes
	maxPickleObjects, maxPickleBytes = budget/costSlot, budget
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	return func() {
		maxPickleObjects, maxPickleBytes = o, b
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		if limit := uint64(4*budget + 64*n + 1<<20); alloc > limit {
			t.Fatalf("a %d-byte input allocated %d bytes (limit %d)", n, alloc, limit)
		}
	}
}
