package ckpt

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"sort"
	"testing"
)

// pickler emits protocol-2 pickles the way torch.save does, so tests can
// build checkpoints (large, malformed or with rare features) at test time.
type pickler struct{ bytes.Buffer }

func (p *pickler) op(b ...byte) *pickler { p.Write(b); return p }

func (p *pickler) proto() *pickler { return p.op(opProto, 2) }
func (p *pickler) stop() *pickler  { return p.op(opStop) }
func (p *pickler) mark() *pickler  { return p.op(opMark) }

func (p *pickler) str(s string) *pickler {
	p.op(opBinUnicode)
	binary.Write(p, binary.LittleEndian, uint32(len(s)))
	p.WriteString(s)
	return p
}

func (p *pickler) int(v int64) *pickler {
	switch {
	case v >= 0 && v < 256:
		return p.op(opBinInt1, byte(v))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		p.op(opBinInt)
		binary.Write(p, binary.LittleEndian, int32(v))
		return p
	}
	p.op(opLong1, 8)
	binary.Write(p, binary.LittleEndian, v)
	return p
}

func (p *pickler) float(v float64) *pickler {
	p.op(opBinFloat)
	binary.Write(p, binary.BigEndian, v)
	return p
}

func (p *pickler) global(module, name string) *pickler {
	p.op(opGlobal)
	p.WriteString(module + "\n" + name + "\n")
	return p
}

func (p *pickler) ints(vs ...int64) *pickler {
	p.mark()
	for _, v := range vs {
		p.int(v)
	}
	return p.op(opTuple)
}

// storageRef describes a storage in a test checkpoint.
type storageRef struct {
	key   string
	class string // "FloatStorage", ...
	numel int64
	view  []any // legacy view_metadata (key, offset, size), or nil
}

// tensor emits _rebuild_tensor_v2(persistent storage, offset, size, stride,
// False, OrderedDict()). legacy adds the sixth persistent-id element.
func (p *pickler) tensor(s storageRef, legacy bool, offset int64, shape, stride []int64) *pickler {
	p.global("torch._utils", "_rebuild_tensor_v2")
	p.mark().mark().str("storage").global("torch", s.class).str(s.key).str("cpu").int(s.numel)
	if legacy {
		if s.view == nil {
			p.op(opNone)
		} else {
			p.str(s.view[0].(string)).int(s.view[1].(int64)).int(s.view[2].(int64)).op(opTuple3)
		}
	}
	p.op(opTuple, opBinPersID)
	p.int(offset).ints(shape...).ints(stride...).op(opNewFalse)
	p.global("collections", "OrderedDict").op(opEmptyTuple, opReduce)
	return p.op(opTuple, opReduce)
}

// lightningExtras emits the non-weight entries of a Lightning checkpoint
// (inside an open SETITEMS mark of the top-level dict).
func (p *pickler) lightningExtras() *pickler {
	p.str("epoch").int(7).str("global_step").int(1234)
	p.str("pytorch-lightning_version").str("1.0.8")
	p.str("callbacks").op(opEmptyDict).global("pytorch_lightning.callbacks", "ModelCheckpoint")
	p.op(opEmptyDict).str("best_model_path").str("x.ckpt").op(opSetItem, opSetItem)
	p.str("hyper_parameters").global("omegaconf", "DictConfig").op(opEmptyTuple, opNewObj)
	p.str("embed_dim").int(16).op(opSetItem).op(opEmptyDict).op(opBuild)
	p.str("lr").float(4.5e-6)
	return p
}

// writeTorchZip writes a torch zip checkpoint: prefix/data.pkl, one STORED
// entry per storage and prefix/version.
func writeTorchZip(t testing.TB, path, prefix string, pkl []byte, storages map[string][]byte) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	put := func(name string, data []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: prefix + name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	put("data.pkl", pkl)
	keys := make([]string, 0, len(storages))
	for k := range storages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		put("data/"+k, storages[k])
	}
	put("version", []byte("3\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// legacyFile assembles a pre-1.6 checkpoint around the main object pickle:
// magic, protocol, sys_info, obj, key list, then count + bytes per key.
func legacyFile(obj []byte, keys []string, data map[string][]byte, elemSize map[string]int) []byte {
	var b bytes.Buffer
	var p pickler
	p.proto().op(opLong1, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).stop()
	p.proto().int(1001).stop()
	p.proto().op(opEmptyDict).mark().str("protocol_version").int(1001).str("little_endian").op(opNewTrue)
	p.op(opSetItems).stop()
	b.Write(p.Bytes())
	b.Write(obj)
	var k pickler
	k.proto().op(opEmptyList).mark()
	for _, key := range keys {
		k.str(key)
	}
	k.op(opAppends).stop()
	b.Write(k.Bytes())
	for _, key := range keys {
		binary.Write(&b, binary.LittleEndian, int64(len(data[key])/elemSize[key]))
		b.Write(data[key])
	}
	return b.Bytes()
}

func f32Bytes(vs ...float32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func writeFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
