#include "textflag.h"

// func Transpose8(dst *float32, dstride int, src *float32, sstride, n int)
// writes dst[p*dstride+r] = src[r*sstride+p] for the 8 rows r and the
// first n columns p of src, n a multiple of 8, one 8x8 block at a time
// (unpack, shuffle, then lane permutes).
TEXT ·Transpose8(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ dstride+8(FP), R8
	SHLQ $2, R8
	MOVQ src+16(FP), SI
	MOVQ sstride+24(FP), R9
	SHLQ $2, R9
	MOVQ n+32(FP), CX
	SHRQ $3, CX
	JZ   transdone
	LEAQ (R9)(R9*2), R10
	LEAQ (R8)(R8*2), R11

transloop:
	MOVQ       SI, AX
	VMOVUPS    (AX), Y0
	VMOVUPS    (AX)(R9*1), Y1
	VMOVUPS    (AX)(R9*2), Y2
	VMOVUPS    (AX)(R10*1), Y3
	LEAQ       (AX)(R9*4), AX
	VMOVUPS    (AX), Y4
	VMOVUPS    (AX)(R9*1), Y5
	VMOVUPS    (AX)(R9*2), Y6
	VMOVUPS    (AX)(R10*1), Y7
	VUNPCKLPS  Y1, Y0, Y8
	VUNPCKHPS  Y1, Y0, Y9
	VUNPCKLPS  Y3, Y2, Y10
	VUNPCKHPS  Y3, Y2, Y11
	VUNPCKLPS  Y5, Y4, Y12
	VUNPCKHPS  Y5, Y4, Y13
	VUNPCKLPS  Y7, Y6, Y14
	VUNPCKHPS  Y7, Y6, Y15
	VSHUFPS    $0x44, Y10, Y8, Y0
	VSHUFPS    $0xee, Y10, Y8, Y1
	VSHUFPS    $0x44, Y11, Y9, Y2
	VSHUFPS    $0xee, Y11, Y9, Y3
	VSHUFPS    $0x44, Y14, Y12, Y4
	VSHUFPS    $0xee, Y14, Y12, Y5
	VSHUFPS    $0x44, Y15, Y13, Y6
	VSHUFPS    $0xee, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	MOVQ       DI, AX
	VMOVUPS    Y8, (AX)
	VMOVUPS    Y9, (AX)(R8*1)
	VMOVUPS    Y10, (AX)(R8*2)
	VMOVUPS    Y11, (AX)(R11*1)
	LEAQ       (AX)(R8*4), AX
	VMOVUPS    Y12, (AX)
	VMOVUPS    Y13, (AX)(R8*1)
	VMOVUPS    Y14, (AX)(R8*2)
	VMOVUPS    Y15, (AX)(R11*1)
	LEAQ       (AX)(R8*4), DI
	ADDQ       $32, SI
	DECQ       CX
	JNZ        transloop

transdone:
	VZEROUPPER
	RET
