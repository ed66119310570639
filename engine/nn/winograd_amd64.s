//go:build !purego

#include "textflag.h"
#include "splat_amd64.h"

// AVX2+FMA versions of the Winograd kernels in winograd_kernels.go, 8 lanes
// (columns or tiles) per iteration; n is a multiple of 8. Constants are
// 8-wide vectors in memory, used as FMA operands.

SPLAT(wino0p125, 0x3e000000)
SPLAT(wino0p25, 0x3e800000)
SPLAT(wino0p5, 0x3f000000)
SPLAT(wino1p5, 0x3fc00000)
SPLAT(wino2, 0x40000000)
SPLAT(wino4, 0x40800000)
SPLAT(wino8, 0x41000000)

// IN1 applies Bᵀ to d0..d5 in Y0..Y5 (see winoIn1), leaving v0..v5 in
// Y0..Y5; it uses Y6..Y9.
#define IN1 \
	VSUBPS Y1, Y3, Y6 \ // p = d3 - d1
	VSUBPS Y2, Y4, Y7 \ // q = d4 - d2
	VMOVAPS Y7, Y8 \
	VFMADD231PS wino1p5<>(SB), Y3, Y8 \ // a = q + 1.5 d3
	VMOVAPS Y6, Y9 \
	VFMADD231PS wino1p5<>(SB), Y2, Y9 \ // b = p + 1.5 d2
	VSUBPS Y2, Y0, Y0 \
	VADDPS Y7, Y0, Y0 \
	VFMADD231PS wino1p5<>(SB), Y6, Y0 \ // v0 = d0 - d2 + q + 1.5 p
	VSUBPS Y3, Y5, Y5 \
	VSUBPS Y6, Y5, Y5 \
	VFMADD231PS wino1p5<>(SB), Y7, Y5 \ // v5 = d5 - d3 - p + 1.5 q
	VADDPS Y9, Y8, Y1 \ // v1 = a + b
	VSUBPS Y9, Y8, Y2 \ // v2 = a - b
	VMOVAPS Y7, Y3 \
	VFMADD231PS wino2<>(SB), Y6, Y3 \ // v3 = q + 2 p
	VMOVAPS Y7, Y4 \
	VFNMADD231PS wino0p5<>(SB), Y6, Y4 // v4 = q - 0.5 p

// OUT1 applies Aᵀ to m0..m5 in Y0..Y5 (see winoOut1), leaving y0..y3 in
// Y6..Y9; it uses Y10, Y11.
#define OUT1 \
	VADDPS Y2, Y1, Y10 \ // s = m1 + m2
	VSUBPS Y2, Y1, Y11 \ // d = m1 - m2
	VADDPS Y10, Y0, Y6 \
	VADDPS Y3, Y6, Y6 \
	VADDPS Y4, Y6, Y6 \ // y0 = m0 + s + m3 + m4
	VMOVAPS Y11, Y7 \
	VFMADD231PS wino0p5<>(SB), Y3, Y7 \
	VFNMADD231PS wino2<>(SB), Y4, Y7 \ // y1 = d + m3/2 - 2 m4
	VMOVAPS Y10, Y8 \
	VFMADD231PS wino0p25<>(SB), Y3, Y8 \
	VFMADD231PS wino4<>(SB), Y4, Y8 \ // y2 = s + m3/4 + 4 m4
	VADDPS Y5, Y11, Y9 \
	VFMADD231PS wino0p125<>(SB), Y3, Y9 \
	VFNMADD231PS wino8<>(SB), Y4, Y9 // y3 = d + m3/8 - 8 m4 + m5

// func winoInColsAVX2(dst *float32, dstride int, src *float32, sstride, n int)
TEXT ·winoInColsAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ dstride+8(FP), R10
	MOVQ src+16(FP), SI
	MOVQ sstride+24(FP), R8
	MOVQ n+32(FP), CX
	SHLQ $2, R10
	SHLQ $2, R8
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9              // src row 3
	LEAQ (DI)(R10*2), R11
	ADDQ R10, R11            // dst row 3
	SHRQ $3, CX

incols:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R8*1), Y1
	VMOVUPS (SI)(R8*2), Y2
	VMOVUPS (R9), Y3
	VMOVUPS (SI)(R8*4), Y4
	VMOVUPS (R9)(R8*2), Y5
	IN1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, (DI)(R10*1)
	VMOVUPS Y2, (DI)(R10*2)
	VMOVUPS Y3, (R11)
	VMOVUPS Y4, (DI)(R10*4)
	VMOVUPS Y5, (R11)(R10*2)
	ADDQ $32, SI
	ADDQ $32, R9
	ADDQ $32, DI
	ADDQ $32, R11
	DECQ CX
	JNZ  incols
	VZEROUPPER
	RET

// DEINTERLEAVE loads 8 consecutive 4-wide groups from off(SI) and
// transposes them: lane k of Y(e0) holds element 0 of group k, and so on.
// The groups are loaded in lane order (0-3 in the low halves, 4-7 in the
// high halves), then each half is a 4x4 transpose. Uses Y10..Y13.
#define DEINTERLEAVE(off, e0, e1, e2, e3) \
	VMOVUPS off(SI), Y10 \
	VMOVUPS off+32(SI), Y11 \
	VMOVUPS off+64(SI), Y12 \
	VMOVUPS off+96(SI), Y13 \
	VPERM2F128 $0x20, Y12, Y10, e0 \ // groups 0 | 4
	VPERM2F128 $0x31, Y12, Y10, e1 \ // groups 1 | 5
	VPERM2F128 $0x20, Y13, Y11, e2 \ // groups 2 | 6
	VPERM2F128 $0x31, Y13, Y11, e3 \ // groups 3 | 7
	VUNPCKLPS e1, e0, Y10 \
	VUNPCKHPS e1, e0, Y11 \
	VUNPCKLPS e3, e2, Y12 \
	VUNPCKHPS e3, e2, Y13 \
	VSHUFPS $0x44, Y12, Y10, e0 \
	VSHUFPS $0xEE, Y12, Y10, e1 \
	VSHUFPS $0x44, Y13, Y11, e2 \
	VSHUFPS $0xEE, Y13, Y11, e3

// func winoInTilesAVX2(dst *float32, dstride int, src *float32, n int)
TEXT ·winoInTilesAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ dstride+8(FP), R10
	MOVQ src+16(FP), SI
	MOVQ n+24(FP), CX
	SHLQ $2, R10
	LEAQ (DI)(R10*2), R11
	ADDQ R10, R11
	SHRQ $3, CX

intiles:
	// Tile q reads src[4q : 4q+6]: elements 0-3 of group q, then
	// elements 0-1 of group q+1, the same transpose 4 values further on.
	DEINTERLEAVE(16, Y4, Y5, Y6, Y7)
	DEINTERLEAVE(0, Y0, Y1, Y2, Y3)
	IN1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, (DI)(R10*1)
	VMOVUPS Y2, (DI)(R10*2)
	VMOVUPS Y3, (R11)
	VMOVUPS Y4, (DI)(R10*4)
	VMOVUPS Y5, (R11)(R10*2)
	ADDQ $128, SI
	ADDQ $32, DI
	ADDQ $32, R11
	DECQ CX
	JNZ  intiles
	VZEROUPPER
	RET

// func winoOutColsAVX2(dst *float32, dstride int, src *float32, sstride, n int)
TEXT ·winoOutColsAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ dstride+8(FP), R10
	MOVQ src+16(FP), SI
	MOVQ sstride+24(FP), R8
	MOVQ n+32(FP), CX
	SHLQ $2, R10
	SHLQ $2, R8
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9
	LEAQ (DI)(R10*2), R11
	ADDQ R10, R11
	SHRQ $3, CX

outcols:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R8*1), Y1
	VMOVUPS (SI)(R8*2), Y2
	VMOVUPS (R9), Y3
	VMOVUPS (SI)(R8*4), Y4
	VMOVUPS (R9)(R8*2), Y5
	OUT1
	VMOVUPS Y6, (DI)
	VMOVUPS Y7, (DI)(R10*1)
	VMOVUPS Y8, (DI)(R10*2)
	VMOVUPS Y9, (R11)
	ADDQ $32, SI
	ADDQ $32, R9
	ADDQ $32, DI
	ADDQ $32, R11
	DECQ CX
	JNZ  outcols
	VZEROUPPER
	RET

// func winoOutTilesAddAVX2(dst, src *float32, sstride, n int)
TEXT ·winoOutTilesAddAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ sstride+16(FP), R8
	MOVQ n+24(FP), CX
	SHLQ $2, R8
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9
	SHRQ $3, CX

outtiles:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R8*1), Y1
	VMOVUPS (SI)(R8*2), Y2
	VMOVUPS (R9), Y3
	VMOVUPS (SI)(R8*4), Y4
	VMOVUPS (R9)(R8*2), Y5
	OUT1
	// Interleave: lane k of y0..y3 becomes dst[4k : 4k+4].
	VUNPCKLPS Y7, Y6, Y0        // tiles 0,1 | 4,5: y0 y1
	VUNPCKHPS Y7, Y6, Y1        // tiles 2,3 | 6,7: y0 y1
	VUNPCKLPS Y9, Y8, Y2        // tiles 0,1 | 4,5: y2 y3
	VUNPCKHPS Y9, Y8, Y3        // tiles 2,3 | 6,7: y2 y3
	VSHUFPS $0x44, Y2, Y0, Y4   // tile 0 | 4
	VSHUFPS $0xEE, Y2, Y0, Y5   // tile 1 | 5
	VSHUFPS $0x44, Y3, Y1, Y6   // tile 2 | 6
	VSHUFPS $0xEE, Y3, Y1, Y7   // tile 3 | 7
	VPERM2F128 $0x20, Y5, Y4, Y0 // tiles 0, 1
	VPERM2F128 $0x20, Y7, Y6, Y1 // tiles 2, 3
	VPERM2F128 $0x31, Y5, Y4, Y2 // tiles 4, 5
	VPERM2F128 $0x31, Y7, Y6, Y3 // tiles 6, 7
	VADDPS (DI), Y0, Y0
	VADDPS 32(DI), Y1, Y1
	VADDPS 64(DI), Y2, Y2
	VADDPS 96(DI), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $32, SI
	ADDQ $32, R9
	ADDQ $128, DI
	DECQ CX
	JNZ  outtiles
	VZEROUPPER
	RET
