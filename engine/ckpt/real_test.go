package ckpt

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
)

const (
	tinyDir    = "../../testdata/taming-tiny/"
	fixtureDir = "../../testdata/ckpt/"
)

func mustOpen(t testing.TB, path string) *File {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// tinyKeys reads the torch-derived "model key shape dtype" listing.
func tinyKeys(t *testing.T) map[string]map[string]string {
	t.Helper()
	fh, err := os.Open(fixtureDir + "taming-tiny-keys.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	out := map[string]map[string]string{}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if out[f[0]] == nil {
			out[f[0]] = map[string]string{}
		}
		out[f[0]][f[1]] = f[2] + " " + f[3]
	}
	return out
}

func describe(t *Tensor) string {
	return strings.ReplaceAll(fmt.Sprint(t.Shape), " ", ", ") + " " + t.DType.String()
}

// The real Lightning checkpoints: exactly torch's key set, shapes and dtypes,
// Lightning extras skipped, and every tensor readable.
func TestTamingTinyCheckpoints(t *testing.T) {
	want := tinyKeys(t)
	for _, model := range []string{"vqgan", "cin_transformer", "seg_transformer"} {
		t.Run(model, func(t *testing.T) {
			f := mustOpen(t, tinyDir+model+"/checkpoints/last.ckpt")
			if f.Format != "torch-zip" {
				t.Errorf("format %q", f.Format)
			}
			got := map[string]string{}
			for k, x := range f.Tensors {
				got[k] = describe(x)
			}
			if !reflect.DeepEqual(got, want[model]) {
				for k := range want[model] {
					if got[k] != want[model][k] {
						t.Errorf("%s: got %q, torch says %q", k, got[k], want[model][k])
					}
				}
				t.Fatalf("got %d keys, torch lists %d", len(got), len(want[model]))
			}
			wantMeta := map[string]string{"epoch": "7", "global_step": "1234", "pytorch-lightning_version": "1.0.8", "hparams_name": "kwargs"}
			if !reflect.DeepEqual(f.Metadata, wantMeta) {
				t.Errorf("metadata %v, want %v", f.Metadata, wantMeta)
			}
			for _, k := range f.Keys() {
				x := f.Tensors[k]
				v, err := x.Float32()
				if err != nil || len(v) != x.Numel() {
					t.Fatalf("%s: %d values, %v", k, len(v), err)
				}
			}
		})
	}
}

func TestTamingTinyVQGANEntries(t *testing.T) {
	f := mustOpen(t, tinyDir+"vqgan/checkpoints/last.ckpt")
	for k, want := range map[string]string{
		"encoder.conv_in.weight":                        "[32, 3, 3, 3] F32",
		"quantize.embedding.weight":                     "[64, 16] F32",
		"loss.discriminator.main.0.weight":              "[8, 3, 4, 4] F32",
		"loss.discriminator.main.3.num_batches_tracked": "[] I64",
	} {
		x, ok := f.Tensors[k]
		if !ok {
			t.Fatalf("missing %s", k)
		}
		if got := describe(x); got != want {
			t.Errorf("%s: %s, want %s", k, got, want)
		}
	}
	if _, err := f.Tensors["encoder.conv_in.weight"].Int64(); err == nil {
		t.Error("Int64 of a float tensor succeeded")
	}
}

// Values against torch's own reading (expected.safetensors, written by the
// generator script): float32 as stored, float16 upcast exactly.
func TestTamingTinyValues(t *testing.T) {
	exp := mustOpen(t, fixtureDir+"expected.safetensors")
	for _, model := range []string{"vqgan", "cin_transformer"} {
		f := mustOpen(t, tinyDir+model+"/checkpoints/last.ckpt")
		n := compareWithExpected(t, f, exp, model)
		if n < 2 {
			t.Errorf("%s: only %d reference tensors", model, n)
		}
	}
	f := mustOpen(t, tinyDir+"cin_transformer/checkpoints/last.ckpt")
	if dt := f.Tensors["transformer.tok_emb.weight"].DType; dt != F16 {
		t.Errorf("cin tok_emb is %s, want F16", dt)
	}
}

// compareWithExpected checks every "<tag>:<key>" entry of exp against f,
// bit for bit, and returns how many float32 readings it compared (one per tensor).
func compareWithExpected(t *testing.T, f, exp *File, tag string) int {
	t.Helper()
	n := 0
	for _, ek := range exp.Keys() {
		rest, ok := strings.CutPrefix(ek, tag+":")
		if !ok {
			continue
		}
		key, asInt := strings.CutSuffix(rest, "#i64")
		x, ok := f.Tensors[key]
		if !ok {
			t.Errorf("%s: missing %s", f.Path, key)
			continue
		}
		if !asInt {
			n++
		}
		if !asInt && exp.Metadata[ek] != x.DType.String() {
			t.Errorf("%s: dtype %s, want %s", key, x.DType, exp.Metadata[ek])
		}
		if !reflect.DeepEqual(x.Shape, exp.Tensors[ek].Shape) {
			t.Errorf("%s: shape %v, want %v", key, x.Shape, exp.Tensors[ek].Shape)
		}
		if asInt {
			got, err := x.Int64()
			want, _ := exp.Tensors[ek].Int64()
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s Int64: %v (%v), want %v", key, got, err, want)
			}
			continue
		}
		got, err := x.Float32()
		want, _ := exp.Tensors[ek].Float32()
		if err != nil || !sameBits(got, want) {
			t.Errorf("%s Float32: %v (%v), want %v", key, head(got), err, head(want))
		}
	}
	return n
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(a[i] != a[i] && b[i] != b[i]) {
			return false
		}
	}
	return true
}

func head(v []float32) []float32 { return v[:min(len(v), 8)] }

// Tensors read through ReadAt, so they can be loaded in parallel.
func TestConcurrentReads(t *testing.T) {
	f := mustOpen(t, tinyDir+"vqgan/checkpoints/last.ckpt")
	want, _ := f.Tensors["decoder.conv_in.weight"].Float32()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, k := range f.Keys() {
				v, err := f.Tensors[k].Float32()
				if err == nil && k == "decoder.conv_in.weight" && !sameBits(v, want) {
					err = fmt.Errorf("%s differs between reads", k)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestVectorsSafetensors(t *testing.T) {
	f := mustOpen(t, tinyDir+"vqgan/vectors.safetensors")
	if f.Format != "safetensors" || f.Metadata["what"] == "" {
		t.Errorf("format %q metadata %v", f.Format, f.Metadata)
	}
	idx, ok := f.Tensors["indices"]
	if !ok || idx.DType != I64 {
		t.Fatalf("indices: %+v", idx)
	}
	v, err := idx.Int64()
	if err != nil || len(v) != idx.Numel() {
		t.Fatal(err)
	}
	for _, x := range v {
		if x < 0 || x >= 64 {
			t.Fatalf("code index %d outside the 64-entry codebook", x)
		}
	}
}
