package ckpt

import "fmt"

// DType is the element type of a stored tensor.
type DType int

// The element types found in torch storages and safetensors files.
const (
	F32 DType = iota
	F16
	BF16
	F64
	I64
	I32
	I16
	I8
	U8
	Bool
)

var dtypeNames = [...]string{F32: "F32", F16: "F16", BF16: "BF16", F64: "F64", I64: "I64", I32: "I32", I16: "I16", I8: "I8", U8: "U8", Bool: "BOOL"}

// String returns the safetensors spelling of the dtype ("F32", "BOOL", ...).
func (d DType) String() string {
	if d < 0 || int(d) >= len(dtypeNames) {
		return fmt.Sprintf("DType(%d)", int(d))
	}
	return dtypeNames[d]
}

// Size is the number of bytes one element occupies.
func (d DType) Size() int {
	switch d {
	case F64, I64:
		return 8
	case F32, I32:
		return 4
	case F16, BF16, I16:
		return 2
	default:
		return 1
	}
}

// IsFloat reports whether the dtype holds floating-point values.
func (d DType) IsFloat() bool { return d == F32 || d == F16 || d == BF16 || d == F64 }

// parseDType maps a safetensors dtype name to a DType.
func parseDType(s string) (DType, bool) {
	for i, n := range dtypeNames {
		if n == s {
			return DType(i), true
		}
	}
	return 0, false
}

// torchStorageTypes maps the storage classes torch pickles as dtype tags
// inside persistent ids.
var torchStorageTypes = map[string]DType{
	"torch.FloatStorage":    F32,
	"torch.HalfStorage":     F16,
	"torch.BFloat16Storage": BF16,
	"torch.DoubleStorage":   F64,
	"torch.LongStorage":     I64,
	"torch.IntStorage":      I32,
	"torch.ShortStorage":    I16,
	"torch.CharStorage":     I8,
	"torch.ByteStorage":     U8,
	"torch.BoolStorage":     Bool,
}
