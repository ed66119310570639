//go:build !purego

#include "textflag.h"

// The weight gradient of a 3x3, stride-1 convolution for one input channel
// and two output channels, straight from the zero-padded input plane and
// the output gradients: 18 accumulators (o, kh, kw) of 16 output pixels
// each, over every output row, then summed into the two 9-tap rows of dW.

// DWCHUNK accumulates the products of one 16-pixel chunk: dy0 and dy1 in Z9
// and Z10, the nine shifted input vectors loaded from rows SI, SI+R8,
// SI+2*R8 (with mask m, all lanes for a full chunk).
#define DWCHUNK(m) \
	VMOVUPS.Z (SI), m, Z0 \
	VMOVUPS.Z 4(SI), m, Z1 \
	VMOVUPS.Z 8(SI), m, Z2 \
	VMOVUPS.Z (SI)(R8*1), m, Z3 \
	VMOVUPS.Z 4(SI)(R8*1), m, Z4 \
	VMOVUPS.Z 8(SI)(R8*1), m, Z5 \
	VMOVUPS.Z (SI)(R8*2), m, Z6 \
	VMOVUPS.Z 4(SI)(R8*2), m, Z7 \
	VMOVUPS.Z 8(SI)(R8*2), m, Z8 \
	VFMADD231PS Z0, Z9, Z11 \
	VFMADD231PS Z1, Z9, Z12 \
	VFMADD231PS Z2, Z9, Z13 \
	VFMADD231PS Z3, Z9, Z14 \
	VFMADD231PS Z4, Z9, Z15 \
	VFMADD231PS Z5, Z9, Z16 \
	VFMADD231PS Z6, Z9, Z17 \
	VFMADD231PS Z7, Z9, Z18 \
	VFMADD231PS Z8, Z9, Z19 \
	VFMADD231PS Z0, Z10, Z20 \
	VFMADD231PS Z1, Z10, Z21 \
	VFMADD231PS Z2, Z10, Z22 \
	VFMADD231PS Z3, Z10, Z23 \
	VFMADD231PS Z4, Z10, Z24 \
	VFMADD231PS Z5, Z10, Z25 \
	VFMADD231PS Z6, Z10, Z26 \
	VFMADD231PS Z7, Z10, Z27 \
	VFMADD231PS Z8, Z10, Z28

// HSUM adds the 16 lanes of z (whose low half is y) to the float at
// off(base), using Z0 and Z1.
#define HSUM(z, y, off, base) \
	VEXTRACTF32X8 $1, z, Y0 \
	VADDPS y, Y0, Y0 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS X1, X0, X0 \
	VPERMILPS $0x4e, X0, X1 \
	VADDPS X1, X0, X0 \
	VPERMILPS $0xb1, X0, X1 \
	VADDPS X1, X0, X0 \
	VADDSS off(base), X0, X0 \
	VMOVSS X0, off(base)

// func dw3x3AVX512(dw0, dw1, x *float32, xs int, dy0, dy1 *float32, oh, ow, tail int)
//
// dw0[kh*3+kw] += sum over output pixels (oy, ox) of dy0[oy*ow+ox] *
// x[(oy+kh)*xs + ox+kw], and dw1 likewise from dy1, for the plane x padded
// by one pixel on every side (rows xs floats apart). ow/16 full chunks per
// row, then tail (a mask of ow%16 lanes) when it is not zero.
TEXT ·dw3x3AVX512(SB), NOSPLIT, $0-72
	MOVQ   x+16(FP), R11
	MOVQ   xs+24(FP), R8
	SHLQ   $2, R8
	MOVQ   dy0+32(FP), DI
	MOVQ   dy1+40(FP), DX
	MOVQ   oh+48(FP), BX
	MOVQ   tail+64(FP), AX
	KMOVW  AX, K1
	MOVQ   $0xffff, AX
	KMOVW  AX, K2
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	VPXORD Z24, Z24, Z24
	VPXORD Z25, Z25, Z25
	VPXORD Z26, Z26, Z26
	VPXORD Z27, Z27, Z27
	VPXORD Z28, Z28, Z28

dwrow:
	MOVQ R11, SI
	MOVQ ow+56(FP), CX
	SHRQ $4, CX
	JZ   dwtail

dwchunk:
	VMOVUPS (DI), Z9
	VMOVUPS (DX), Z10
	DWCHUNK(K2)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, DX
	DECQ CX
	JNZ  dwchunk

dwtail:
	MOVQ tail+64(FP), AX
	TESTQ AX, AX
	JZ   dwnext
	VMOVUPS.Z (DI), K1, Z9
	VMOVUPS.Z (DX), K1, Z10
	DWCHUNK(K1)
	POPCNTQ AX, AX
	SHLQ $2, AX
	ADDQ AX, DI
	ADDQ AX, DX

dwnext:
	ADDQ R8, R11
	DECQ BX
	JNZ  dwrow

	MOVQ dw0+0(FP), DI
	MOVQ dw1+8(FP), DX
	HSUM(Z11, Y11, 0, DI)
	HSUM(Z12, Y12, 4, DI)
	HSUM(Z13, Y13, 8, DI)
	HSUM(Z14, Y14, 12, DI)
	HSUM(Z15, Y15, 16, DI)
	HSUM(Z16, Y16, 20, DI)
	HSUM(Z17, Y17, 24, DI)
	HSUM(Z18, Y18, 28, DI)
	HSUM(Z19, Y19, 32, DI)
	HSUM(Z20, Y20, 0, DX)
	HSUM(Z21, Y21, 4, DX)
	HSUM(Z22, Y22, 8, DX)
	HSUM(Z23, Y23, 12, DX)
	HSUM(Z24, Y24, 16, DX)
	HSUM(Z25, Y25, 20, DX)
	HSUM(Z26, Y26, 24, DX)
	HSUM(Z27, Y27, 28, DX)
	HSUM(Z28, Y28, 32, DX)
	VZEROUPPER
	RET
