package ckpt

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// A Lightning-shaped checkpoint: weights of both dtypes (a scalar among
// them), nested optimizer state with int keys, and scalars at the top.
func lightningLike() *PyDict {
	sd := NewPyDict(true).
		Set("conv.weight", &Data{Shape: []int{2, 1, 2, 2}, F32: []float32{1, -2, 3.5, 4, 5, 6, 7, float32(math.Inf(-1))}}).
		Set("bn.num_batches_tracked", &Data{Shape: []int{}, I64: []int64{-3}}).
		Set("used", &Data{Shape: []int{3}, I64: []int64{1 << 40, 0, 7}}).
		Set("empty", &Data{Shape: []int{0, 4}})
	state := NewPyDict(false).Set(0, NewPyDict(false).
		Set("step", 3).
		Set("exp_avg", &Data{Shape: []int{2}, F32: []float32{0.25, -0.5}}))
	group := NewPyDict(false).
		Set("lr", 4.5e-6).Set("betas", PyTuple{0.5, 0.9}).Set("amsgrad", false).
		Set("params", PyList{0, 1, 2, 3}).Set("note", nil)
	return NewPyDict(false).
		Set("epoch", 0).
		Set("global_step", int64(123456789012)).
		Set("pytorch-lightning_version", "1.0.8").
		Set("state_dict", sd).
		Set("optimizer_states", PyList{NewPyDict(false).Set("state", state).Set("param_groups", PyList{group})}).
		Set("lr_schedulers", PyList{}).
		Set("shape", PyTuple{1, 2, 3, 4})
}

func TestWriteTorchRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "last.ckpt")
	if err := WriteTorch(path, lightningLike()); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Format != "torch-zip" {
		t.Fatalf("format %s", f.Format)
	}
	if want := []string{"bn.num_batches_tracked", "conv.weight", "empty", "used"}; !slices.Equal(f.Keys(), want) {
		t.Fatalf("keys %v, want %v", f.Keys(), want)
	}
	w := f.Tensors["conv.weight"]
	got, err := w.Float32()
	if err != nil {
		t.Fatal(err)
	}
	if w.DType != F32 || !slices.Equal(w.Shape, []int{2, 1, 2, 2}) || !slices.Equal(got, []float32{1, -2, 3.5, 4, 5, 6, 7, float32(math.Inf(-1))}) {
		t.Fatalf("conv.weight %s %v %v", w.DType, w.Shape, got)
	}
	for key, want := range map[string][]int64{"bn.num_batches_tracked": {-3}, "used": {1 << 40, 0, 7}} {
		tn := f.Tensors[key]
		v, err := tn.Int64()
		if err != nil || tn.DType != I64 || !slices.Equal(v, want) {
			t.Errorf("%s: %s %v (%v), want %v", key, tn.DType, v, err, want)
		}
	}
	if s := f.Tensors["bn.num_batches_tracked"].Shape; len(s) != 0 {
		t.Errorf("scalar has shape %v", s)
	}
	if f.Metadata["global_step"] != "123456789012" || f.Metadata["epoch"] != "0" || f.Metadata["pytorch-lightning_version"] != "1.0.8" {
		t.Errorf("metadata %v", f.Metadata)
	}
}

// The nested values come back as the Python objects they stand for.
func TestWriteTorchNestedValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.ckpt")
	if err := WriteTorch(path, lightningLike()); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	var pkl []byte
	for _, e := range zr.File {
		names = append(names, e.Name)
		if e.Method != zip.Store {
			t.Errorf("%s is compressed", e.Name)
		}
		if off, _ := e.DataOffset(); off%zipAlign != 0 {
			t.Errorf("%s: data at offset %d, not a multiple of %d", e.Name, off, zipAlign)
		}
		rc, _ := e.Open()
		data, err := io.ReadAll(rc) // checks the CRC
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		switch e.Name {
		case "archive/data.pkl":
			pkl = data
		case "archive/version":
			if string(data) != "3\n" {
				t.Errorf("version %q", data)
			}
		}
	}
	want := []string{"archive/data.pkl", "archive/data/0", "archive/data/1", "archive/data/2", "archive/data/3", "archive/data/4", "archive/version"}
	if !slices.Equal(names, want) {
		t.Fatalf("entries %v, want %v", names, want)
	}
	v, err := unpickle(pkl)
	if err != nil {
		t.Fatal(err)
	}
	top := v.(*pyDict)
	opt, _ := top.get("optimizer_states")
	o := opt.(*pyList).items[0].(*pyDict)
	st, _ := o.get("state")
	s0 := st.(*pyDict)
	if !reflect.DeepEqual(s0.keys, []any{int64(0)}) {
		t.Fatalf("state keys %v", s0.keys)
	}
	step, _ := s0.vals[0].(*pyDict).get("step")
	avg, _ := s0.vals[0].(*pyDict).get("exp_avg")
	if step != int64(3) || !slices.Equal(avg.(*Tensor).Shape, []int{2}) {
		t.Errorf("state 0: step %v, exp_avg %v", step, avg)
	}
	groups, _ := o.get("param_groups")
	g := groups.(*pyList).items[0].(*pyDict)
	lr, _ := g.get("lr")
	betas, _ := g.get("betas")
	params, _ := g.get("params")
	ams, _ := g.get("amsgrad")
	note, hasNote := g.get("note")
	if lr != 4.5e-6 || !reflect.DeepEqual(betas, pyTuple{0.5, 0.9}) || ams != false || note != nil || !hasNote ||
		!reflect.DeepEqual(params.(*pyList).items, []any{int64(0), int64(1), int64(2), int64(3)}) {
		t.Errorf("param group lr %v betas %v params %v amsgrad %v note %v", lr, betas, params, ams, note)
	}
	shape, _ := top.get("shape")
	lrs, _ := top.get("lr_schedulers")
	if !reflect.DeepEqual(shape, pyTuple{int64(1), int64(2), int64(3), int64(4)}) || len(lrs.(*pyList).items) != 0 {
		t.Errorf("shape %v, lr_schedulers %v", shape, lrs)
	}
}

func TestWriteTorchIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.ckpt"), filepath.Join(dir, "b.ckpt")
	if err := WriteTorch(a, lightningLike()); err != nil {
		t.Fatal(err)
	}
	if err := WriteTorch(b, lightningLike()); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if !bytes.Equal(x, y) {
		t.Fatal("equal checkpoints differ in bytes")
	}
}

func TestWriteTorchRejectsWhatItCannotPickle(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct {
		obj  any
		want []string
	}{
		"unknown type": {NewPyDict(false).Set("opt", PyList{1, map[string]int{}}), []string{"opt[1]", "map[string]int"}},
		"bad tensor":   {NewPyDict(true).Set("w", &Data{Shape: []int{2, 2}, F32: []float32{1}}), []string{".w", "[2 2]"}},
		"bad key":      {NewPyDict(false).Set(1.5, 1), []string{"1.5", "float64"}},
	}
	for name, tc := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		err := WriteTorch(path, tc.obj)
		if err == nil {
			t.Errorf("%s: written", name)
			continue
		}
		for _, w := range append(tc.want, "ckpt: ", path) {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", name, err, w)
			}
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%s: a file was left behind", name)
		}
	}
}

// Tensors of an open file are copied a tensor at a time; float16 ones come
// out as float32 with the same values.
func TestWriteTorchCopiesFileTensors(t *testing.T) {
	src, err := Open(filepath.Join("..", "..", "testdata", "taming-tiny", "cin_transformer", "checkpoints", "last.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	sd := NewPyDict(true)
	for _, k := range src.Keys() {
		sd.Set(k, src.Tensors[k])
	}
	path := filepath.Join(t.TempDir(), "copy.ckpt")
	if err := WriteTorch(path, NewPyDict(false).Set("state_dict", sd)); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !slices.Equal(f.Keys(), src.Keys()) {
		t.Fatalf("%d keys, want %d", len(f.Keys()), len(src.Keys()))
	}
	for _, k := range src.Keys() {
		a, b := src.Tensors[k], f.Tensors[k]
		va, _ := a.Float32()
		vb, err := b.Float32()
		if err != nil || b.DType != F32 || !slices.Equal(a.Shape, b.Shape) || !slices.Equal(va, vb) {
			t.Fatalf("%s: %s %v -> %s %v (%v)", k, a.DType, a.Shape, b.DType, b.Shape, err)
		}
	}
}

func TestReshaped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flat.safetensors")
	if err := WriteSafetensors(path, map[string]*Data{"m": {Shape: []int{6}, F32: []float32{1, 2, 3, 4, 5, 6}}}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := f.Tensors["m"].Reshaped([]int{2, 3, 1})
	if err != nil {
		t.Fatal(err)
	}
	v, err := r.Float32()
	if err != nil || !slices.Equal(r.Shape, []int{2, 3, 1}) || !slices.Equal(v, []float32{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("reshaped %v %v (%v)", r.Shape, v, err)
	}
	if !slices.Equal(f.Tensors["m"].Shape, []int{6}) {
		t.Fatal("the original changed shape")
	}
	if _, err := f.Tensors["m"].Reshaped([]int{4}); err == nil || !strings.Contains(err.Error(), "[6] as [4]") {
		t.Errorf("6 values as 4: %v", err)
	}
	tr := *f.Tensors["m"] // a transposed view, as a torch file can hold
	tr.Shape, tr.strides = []int{3, 2}, []int64{1, 3}
	if _, err := tr.Reshaped([]int{6}); err == nil || !strings.Contains(err.Error(), "strided") {
		t.Errorf("strided view: %v", err)
	}
}
