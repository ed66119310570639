package ckpt

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
)

// writeBigLightning builds a Lightning-style torch zip whose optimizer state
// (exp_avg and exp_avg_sq, each 5x every weight) is 10x the state_dict.
// It returns the state_dict's size as float32 bytes.
func writeBigLightning(t testing.TB, path string, nParams, paramElems int) int64 {
	var p pickler
	storages := map[string][]byte{}
	next := 0
	newStorage := func(numel int) storageRef {
		key := fmt.Sprint(next)
		next++
		storages[key] = make([]byte, 4*numel)
		return storageRef{key: key, class: "FloatStorage", numel: int64(numel)}
	}
	p.proto().op(opEmptyDict).mark().lightningExtras()
	p.str("optimizer_states").op(opEmptyList).op(opEmptyDict).mark().str("state").op(opEmptyDict).mark()
	for i := 0; i < nParams; i++ {
		p.int(int64(i)).op(opEmptyDict).mark()
		for _, name := range []string{"exp_avg", "exp_avg_sq"} {
			n := 5 * paramElems
			p.str(name).tensor(newStorage(n), false, 0, []int64{int64(n)}, []int64{1})
		}
		p.op(opSetItems)
	}
	p.op(opSetItems, opSetItems, opAppend)
	p.str("state_dict").global("collections", "OrderedDict").op(opEmptyTuple, opReduce).mark()
	for i := 0; i < nParams; i++ {
		s := newStorage(paramElems)
		vals := make([]float32, paramElems)
		for j := range vals {
			vals[j] = float32(i*paramElems + j)
		}
		storages[s.key] = f32Bytes(vals...)
		p.str(fmt.Sprintf("layer%d.weight", i)).tensor(s, false, 0, []int64{int64(paramElems / 64), 64}, []int64{64, 1})
	}
	p.op(opSetItems, opSetItems).stop()
	writeTorchZip(t, path, "archive/", p.Bytes(), storages)
	return int64(4 * nParams * paramElems)
}

// Opening a checkpoint and reading its weights must not touch optimizer
// state: everything allocated stays under 1.5x the weights as float32.
func TestOpenMemoryBound(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.ckpt")
	const nParams, paramElems = 16, 64 << 10
	weightBytes := writeBigLightning(t, path, nParams, paramElems)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := make(map[string][]float32, nParams)
	for _, k := range f.Keys() {
		if out[k], err = f.Tensors[k].Float32(); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)

	if v := out["layer3.weight"]; len(out) != nParams || v[5] != float32(3*paramElems+5) {
		t.Fatalf("read %d tensors, layer3[5] = %v", len(out), v[5])
	}
	alloc := int64(after.TotalAlloc - before.TotalAlloc)
	t.Logf("weights %d bytes, allocated %d (%.2fx)", weightBytes, alloc, float64(alloc)/float64(weightBytes))
	if alloc > weightBytes*3/2 {
		t.Errorf("allocated %d bytes for %d bytes of weights (limit 1.5x)", alloc, weightBytes)
	}
}
