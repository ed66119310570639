//go:build !purego

#include "textflag.h"

// func packPanelAVX512(dst, x *float32, taps *packTap, n int, segs *packSeg, nseg, h int)
//
// Writes n rows of one 32-column panel of a convolution's column matrix:
// row t (tap taps[t]) is cleared, then each segment of output pixels
// (segs[0:nseg], at least one) whose input row exists is loaded, 16 lanes
// at a time with the segment's mask for the tap's kernel column, and stored
// into its lanes of the row. (Clearing first is faster than storing zeros
// through the masks: a masked store into a line not yet written costs
// more.) Masked-off lanes are never read, so a segment's base may point
// before or after the plane. packTap is {off, dy, kw int64}; packSeg is
// {base, oy, half, store int64; load [4]int64}.
TEXT ·packPanelAVX512(SB), NOSPLIT, $0-56
	MOVQ   dst+0(FP), DI
	MOVQ   x+8(FP), SI
	MOVQ   taps+16(FP), R8
	MOVQ   n+24(FP), CX
	MOVQ   segs+32(FP), R9
	MOVQ   nseg+40(FP), R10
	VPXORD Z31, Z31, Z31
	TESTQ  CX, CX
	JZ     packdone

packtap:
	MOVQ    0(R8), R11
	MOVQ    8(R8), R12
	MOVQ    16(R8), R13
	VMOVUPS Z31, (DI)
	VMOVUPS Z31, 64(DI)
	MOVQ    R9, DX
	MOVQ    R10, BX

packseg:
	MOVQ      8(DX), AX
	ADDQ      R12, AX
	CMPQ      AX, h+48(FP)
	JAE       packnext
	MOVQ      0(DX), AX
	ADDQ      R11, AX
	KMOVW     32(DX)(R13*8), K1
	KMOVW     24(DX), K2
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	MOVQ      16(DX), AX
	VMOVUPS   Z0, K2, (DI)(AX*1)

packnext:
	ADDQ $64, DX
	DECQ BX
	JNZ  packseg
	ADDQ $128, DI
	ADDQ $24, R8
	DECQ CX
	JNZ  packtap

packdone:
	VZEROUPPER
	RET

// func packHalvesAVX512(dst, x *float32, taps *packTap, n int, segs *packSeg, h int)
//
// Is packPanelAVX512 for a panel of two segments that each fill a whole
// 16-lane half: each row is written by two full stores (zeros where the
// input row does not exist), with no clearing and no store masks.
TEXT ·packHalvesAVX512(SB), NOSPLIT, $0-48
	MOVQ   dst+0(FP), DI
	MOVQ   x+8(FP), SI
	MOVQ   taps+16(FP), R8
	MOVQ   n+24(FP), CX
	MOVQ   segs+32(FP), DX
	MOVQ   h+40(FP), R9
	MOVQ   0(DX), R10  // base of the first half
	MOVQ   8(DX), R11  // its output row
	MOVQ   64(DX), BX // base of the second half
	MOVQ   72(DX), R12 // its output row
	VPXORD Z31, Z31, Z31
	TESTQ  CX, CX
	JZ     halvesdone

halvestap:
	MOVQ 16(R8), R13
	MOVQ R11, AX
	ADDQ 8(R8), AX
	CMPQ AX, R9
	JAE  halveszero0
	MOVQ      0(R8), AX
	ADDQ      R10, AX
	KMOVW     32(DX)(R13*8), K1
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VMOVUPS   Z0, (DI)
	JMP       halves1

halveszero0:
	VMOVUPS Z31, (DI)

halves1:
	MOVQ R12, AX
	ADDQ 8(R8), AX
	CMPQ AX, R9
	JAE  halveszero1
	MOVQ      0(R8), AX
	ADDQ      BX, AX
	KMOVW     96(DX)(R13*8), K1
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VMOVUPS   Z0, 64(DI)
	JMP       halvesnext

halveszero1:
	VMOVUPS Z31, 64(DI)

halvesnext:
	ADDQ $128, DI
	ADDQ $24, R8
	DECQ CX
	JNZ  halvestap

halvesdone:
	VZEROUPPER
	RET
