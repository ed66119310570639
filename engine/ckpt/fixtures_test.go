package ckpt

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

// Every fixture tensor reads as torch reads it: all storage dtypes, views
// sharing storages (transpose, narrow, step, offset, expand), 0-d and empty
// tensors, in zip, legacy and ZIP64 containers.
func TestFixturesMatchTorch(t *testing.T) {
	exp := mustOpen(t, fixtureDir+"expected.safetensors")
	for tag, format := range map[string]string{
		"dtypes": "torch-zip", "lightning": "torch-zip", "legacy": "torch-legacy", "zip64": "torch-zip",
	} {
		t.Run(tag, func(t *testing.T) {
			f := mustOpen(t, fixtureDir+tag+".pt")
			if f.Format != format {
				t.Errorf("format %q, want %q", f.Format, format)
			}
			n := compareWithExpected(t, f, exp, tag)
			if n != len(f.Tensors) {
				t.Errorf("compared %d tensors, file has %d", n, len(f.Tensors))
			}
		})
	}
}

func TestFixtureZip64IsZip64(t *testing.T) {
	b, err := os.ReadFile(fixtureDir + "zip64.pt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("PK\x06\x06")) || !bytes.Contains(b, []byte("archive/data.pkl")) {
		t.Fatal("zip64.pt lacks a ZIP64 end record or the archive/ prefix")
	}
}

// Lightning extras are skipped: numpy scalars, pathlib, class-keyed
// callbacks, hparams objects and optimizer state give no tensors and no
// metadata, while plain scalars are kept.
func TestFixtureLightningExtras(t *testing.T) {
	for _, name := range []string{"lightning.pt", "legacy.pt"} {
		f := mustOpen(t, fixtureDir+name)
		want := map[string]string{"epoch": "3", "global_step": "42", "pytorch-lightning_version": "1.0.8", "hparams_name": "kwargs"}
		if !reflect.DeepEqual(f.Metadata, want) {
			t.Errorf("%s metadata %v, want %v", name, f.Metadata, want)
		}
		for k := range f.Tensors {
			if k[:2] != "v." && k[:2] != "t." {
				t.Errorf("%s: unexpected tensor %s", name, k)
			}
		}
	}
}

// A plain torch.save(state_dict) has no "state_dict" key: the top-level
// dict is the weights, and int64 buffers read through Int64.
func TestFixturePlainStateDict(t *testing.T) {
	f := mustOpen(t, fixtureDir+"dtypes.pt")
	if len(f.Metadata) != 0 {
		t.Errorf("metadata %v", f.Metadata)
	}
	v, err := f.Tensors["1.num_batches_tracked"].Int64()
	if err != nil || len(v) != 1 {
		t.Fatalf("num_batches_tracked: %v %v", v, err)
	}
	if got := f.Tensors["t.scalar"].Numel(); got != 1 {
		t.Errorf("0-d tensor has %d elements", got)
	}
	if got := f.Tensors["t.empty"].Numel(); got != 0 {
		t.Errorf("empty tensor has %d elements", got)
	}
}
