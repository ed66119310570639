package ckpt

import (
	"encoding/binary"
	"math"
)

// decodeF32 converts len(dst) little-endian elements of type dt from src.
// The switch sits outside the loops so bulk conversion stays cheap.
func decodeF32(dt DType, src []byte, dst []float32) {
	le := binary.LittleEndian
	switch dt {
	case F32:
		for i := range dst {
			dst[i] = math.Float32frombits(le.Uint32(src[4*i:]))
		}
	case F16:
		for i := range dst {
			dst[i] = halfToFloat32(le.Uint16(src[2*i:]))
		}
	case BF16:
		for i := range dst {
			dst[i] = math.Float32frombits(uint32(le.Uint16(src[2*i:])) << 16)
		}
	case F64:
		for i := range dst {
			dst[i] = float32(math.Float64frombits(le.Uint64(src[8*i:])))
		}
	default:
		for i := range dst {
			dst[i] = float32(intElem(dt, src, i))
		}
	}
}

// decodeI64 converts len(dst) little-endian integer (or bool) elements of
// type dt from src; the caller has rejected float dtypes.
func decodeI64(dt DType, src []byte, dst []int64) {
	for i := range dst {
		dst[i] = intElem(dt, src, i)
	}
}

// intElem reads element i of an integer or bool array. Integer tensors in
// checkpoints are small buffers, so a per-element switch is fine.
func intElem(dt DType, src []byte, i int) int64 {
	le := binary.LittleEndian
	switch dt {
	case I64:
		return int64(le.Uint64(src[8*i:]))
	case I32:
		return int64(int32(le.Uint32(src[4*i:])))
	case I16:
		return int64(int16(le.Uint16(src[2*i:])))
	case I8:
		return int64(int8(src[i]))
	case Bool:
		if src[i] != 0 {
			return 1
		}
		return 0
	default: // U8
		return int64(src[i])
	}
}

// halfToFloat32 widens an IEEE 754 binary16 value; every half is exactly
// representable as a float32.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch exp {
	case 0x1f: // inf or NaN: keep the payload
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case 0: // zero or subnormal: mant * 2^-24, exact in float32
		v := float32(mant) * (1.0 / (1 << 24))
		return math.Float32frombits(sign | math.Float32bits(v))
	default:
		return math.Float32frombits(sign | (exp-15+127)<<23 | mant<<13)
	}
}
