package weights

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// mapSource is a Source over an in-memory map, with shapes.
type mapSource map[string][]int

func (m mapSource) Float32(key string, shape []int) ([]float32, error) {
	if !slices.Equal(m[key], shape) {
		return nil, ShapeError("mem", key, shape, m[key])
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	return make([]float32, n), nil
}
func (m mapSource) Int64(string) ([]int64, []int, error) { return nil, nil, fmt.Errorf("no ints") }
func (m mapSource) Has(key string) bool                  { _, ok := m[key]; return ok }
func (m mapSource) Keys() []string                       { return slices.Sorted(maps.Keys(m)) }
func (m mapSource) Name() string                         { return "mem" }

func TestLoaderReportsMissingMismatchedAndUnused(t *testing.T) {
	src := mapSource{"a.conv.weight": {4, 3}, "a.conv.bias": {4}, "a.extra.weight": {2}, "loss.d": {1}}
	l := NewLoader(src, "a.")
	l.Get("conv.weight", 4, 3)
	l.Sub("conv.").Get("bias", 4)
	if l.Count() != 16 {
		t.Fatalf("count %d, want 16", l.Count())
	}
	err := l.CheckAllUsed()
	if err == nil || !strings.Contains(err.Error(), "a.extra.weight") || strings.Contains(err.Error(), "loss.d") {
		t.Fatalf("unused check: %v", err)
	}
	if err := l.CheckAllUsed("extra"); err != nil {
		t.Fatalf("ignored fragment still reported: %v", err)
	}
	l.Get("conv.weight", 4, 4)
	if err := l.Err(); err == nil || !strings.Contains(err.Error(), "[4 3]") || !strings.Contains(err.Error(), "[4 4]") {
		t.Fatalf("shape mismatch: %v", err)
	}
	l2 := NewLoader(src, "")
	if l2.Get("b.weight", 2); l2.Err() == nil || !strings.Contains(l2.Err().Error(), "missing weight b.weight") {
		t.Fatalf("missing key: %v", l2.Err())
	}
}

// Skip passes over the keys under its prefix, and only those: a skipped
// quant_conv. leaves post_quant_conv. keys reported.
func TestLoaderSkipsWhatABuilderLeavesOut(t *testing.T) {
	src := mapSource{"quant_conv.weight": {1}, "post_quant_conv.weight": {1}, "encoder.w": {1}, "decoder.w": {1}}
	l := NewLoader(src, "")
	l.Skip("quant_conv.")
	l.Sub("encoder.").Skip("")
	l.Get("decoder.w", 1)
	if got := l.Unused(); !slices.Equal(got, []string{"post_quant_conv.weight"}) {
		t.Fatalf("unused %v, want only post_quant_conv.weight", got)
	}
}

func TestRandomIsDeterministicAndShaped(t *testing.T) {
	a, _ := Random{Seed: 1}.Float32("blocks.0.attn.query.weight", []int{8, 8})
	b, _ := Random{Seed: 1}.Float32("blocks.0.attn.query.weight", []int{8, 8})
	c, _ := Random{Seed: 2}.Float32("blocks.0.attn.query.weight", []int{8, 8})
	if !slices.Equal(a, b) || slices.Equal(a, c) {
		t.Fatal("random weights depend on something besides seed and key")
	}
	for _, v := range a {
		if v < -1/2.829 || v > 1/2.829 { // ±1/sqrt(fan_in 8)
			t.Fatalf("value %v outside ±1/sqrt(8)", v)
		}
	}
	norm, _ := Random{Seed: 1}.Float32("encoder.norm_out.weight", []int{4})
	bias, _ := Random{Seed: 1}.Float32("ln_f.bias", []int{4})
	if !slices.Equal(norm, []float32{1, 1, 1, 1}) || !slices.Equal(bias, []float32{0, 0, 0, 0}) {
		t.Fatalf("norm scale %v, bias %v", norm, bias)
	}
}
