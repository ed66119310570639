package ckpt

import (
	"encoding/binary"
	"math"
	"runtime"
	"sync"
)

// hostLittleEndian reports whether float32 values in memory have the byte
// order of checkpoint files, so they can be read in place.
var hostLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// parallelGrain is the fewest elements worth a goroutine of conversion.
const parallelGrain = 64 << 10

// decodeF32Parallel is decodeF32 split across the available cores.
func decodeF32Parallel(dt DType, src []byte, dst []float32) {
	n, es := len(dst), dt.Size()
	workers := min(runtime.GOMAXPROCS(0), n/parallelGrain)
	if workers <= 1 {
		decodeF32(dt, src, dst)
		return
	}
	var wg sync.WaitGroup
	step := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += step {
		hi := min(lo+step, n)
		wg.Go(func() { decodeF32(dt, src[lo*es:hi*es], dst[lo:hi]) })
	}
	wg.Wait()
}

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
		tab, src := halfTable(), src[:2*len(dst)]
		for i := range dst {
			dst[i] = tab[uint16(src[2*i])|uint16(src[2*i+1])<<8]
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

// halfTable holds halfToFloat32 of every binary16 bit pattern: 256 KiB
// that convert a half with one load, several times faster than the
// arithmetic.
var halfTable = sync.OnceValue(func() *[1 << 16]float32 {
	var t [1 << 16]float32
	for h := range t {
		t[h] = halfToFloat32(uint16(h))
	}
	return &t
})

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

// float32ToHalf narrows to the nearest IEEE 754 binary16 value, ties to
// even; values beyond the half range become infinities.
func float32ToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	if b&0x7fffffff > 0x7f800000 { // NaN: keep it quiet and non-zero
		return sign | 0x7e00 | uint16(b>>13&0x3ff)
	}
	exp := int32(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case exp >= 0x1f:
		return sign | 0x7c00
	case exp <= 0: // a subnormal half, or zero
		if exp < -10 {
			return sign
		}
		m := mant | 0x800000
		shift := uint32(14 - exp)
		return sign | uint16(roundEven(m, shift))
	}
	// A carry out of the mantissa moves to the next exponent, up to infinity.
	return sign | uint16(roundEven(uint32(exp)<<23|mant, 13))
}

// roundEven is v >> shift rounded to nearest, ties to even.
func roundEven(v, shift uint32) uint32 {
	q, rem, mid := v>>shift, v&(1<<shift-1), uint32(1)<<(shift-1)
	if rem > mid || (rem == mid && q&1 == 1) {
		q++
	}
	return q
}
