package blas

import (
	"strings"
	"testing"
)

// eachKernel runs f once on every product implementation this CPU and build
// runs (each own kernel, then the library), as TESSERA_KERNELS would force.
func eachKernel(t *testing.T, f func(t *testing.T)) {
	saved := own
	defer func() { own = saved }()
	for _, k := range append(ownKernels(), nil) {
		own = k
		name := "blas"
		if k != nil {
			name = k.key
		}
		t.Run(name, f)
	}
}

func TestChooseKernelFollowsEnv(t *testing.T) {
	kernels := ownKernels()
	if k, note := chooseKernel("blas"); k != nil || note != "" {
		t.Fatalf("blas: got %v, %q; want the library", k, note)
	}
	for _, want := range kernels {
		if k, note := chooseKernel(want.key); k == nil || k.key != want.key || note != "" {
			t.Fatalf("%s: got %v, %q", want.key, k, note)
		}
	}
	k, note := chooseKernel("sse")
	if len(kernels) > 0 && (k == nil || k.key != kernels[0].key) || len(kernels) == 0 && k != nil {
		t.Fatalf("sse: got %v, want the default", k)
	}
	if !strings.Contains(note, `TESSERA_KERNELS="sse"`) {
		t.Fatalf("sse: note %q does not name the value", note)
	}
}

func TestNameNamesTheKernelsInUse(t *testing.T) {
	eachKernel(t, func(t *testing.T) {
		name := Name()
		if own == nil {
			if strings.Contains(name, "Tessera") || Kernels() != "" {
				t.Fatalf("library in use, Name %q, Kernels %q", name, Kernels())
			}
			return
		}
		if !strings.HasSuffix(name, "; products on "+own.name) || Kernels() != own.name {
			t.Fatalf("%s in use, Name %q, Kernels %q", own.key, name, Kernels())
		}
	})
}
