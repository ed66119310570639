#include "textflag.h"

// The AVX2+FMA register kernel of gemm_amd64.go: a 6x16 block of C from a
// 6-row panel of packed A and a 16-column panel of packed B. Each k step
// loads one row of the B panel (Y12, Y13), broadcasts the six A values in
// turn into Y14 and Y15 and adds their products into twelve accumulators,
// Y0..Y11 (two per row).

// ROW is row r of k step i: A value at SI+24i+4r, accumulators lo and hi.
#define ROW(i, r, t, lo, hi) \
	VBROADCASTSS (i*24+r*4)(SI), t \
	VFMADD231PS  Y12, t, lo \
	VFMADD231PS  Y13, t, hi

// STEP is k step i of an unrolled group: B row at BX+64i.
#define STEP(i) \
	VMOVUPS (i*64)(BX), Y12 \
	VMOVUPS (i*64+32)(BX), Y13 \
	ROW(i, 0, Y14, Y0, Y1) \
	ROW(i, 1, Y15, Y2, Y3) \
	ROW(i, 2, Y14, Y4, Y5) \
	ROW(i, 3, Y15, Y6, Y7) \
	ROW(i, 4, Y14, Y8, Y9) \
	ROW(i, 5, Y15, Y10, Y11)

// ACCROW stores alpha*acc + beta*C into one 16-value row of C (DI).
#define ACCROW(lo, hi) \
	VMULPS      (DI), Y15, Y12 \
	VMULPS      32(DI), Y15, Y13 \
	VFMADD231PS Y14, lo, Y12 \
	VFMADD231PS Y14, hi, Y13 \
	VMOVUPS     Y12, (DI) \
	VMOVUPS     Y13, 32(DI) \
	ADDQ        R10, DI

// SETROW stores alpha*acc into one row of C without reading it.
#define SETROW(lo, hi) \
	VMULPS  Y14, lo, lo \
	VMULPS  Y14, hi, hi \
	VMOVUPS lo, (DI) \
	VMOVUPS hi, 32(DI) \
	ADDQ    R10, DI

// func kernel6x16(kc int, a, b, c *float32, ldc int, alpha, beta float32, accumulate int)
// writes all 6 rows and 16 columns; partial tiles go through a scratch tile.
TEXT ·kernel6x16(SB), NOSPLIT, $0-56
	MOVQ   kc+0(FP), CX
	MOVQ   a+8(FP), SI
	MOVQ   b+16(FP), BX
	MOVQ   c+24(FP), DI
	MOVQ   ldc+32(FP), R10
	SHLQ   $2, R10
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	MOVQ   CX, DX
	SHRQ   $2, DX
	JZ     tail

loop4:
	STEP(0)
	STEP(1)
	STEP(2)
	STEP(3)
	ADDQ $96, SI
	ADDQ $256, BX
	DECQ DX
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   store

loop1:
	STEP(0)
	ADDQ $24, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop1

store:
	VBROADCASTSS alpha+40(FP), Y14
	VBROADCASTSS beta+44(FP), Y15
	MOVQ         accumulate+48(FP), AX
	TESTQ        AX, AX
	JZ           overwrite
	ACCROW(Y0, Y1)
	ACCROW(Y2, Y3)
	ACCROW(Y4, Y5)
	ACCROW(Y6, Y7)
	ACCROW(Y8, Y9)
	ACCROW(Y10, Y11)
	JMP          done

overwrite:
	SETROW(Y0, Y1)
	SETROW(Y2, Y3)
	SETROW(Y4, Y5)
	SETROW(Y6, Y7)
	SETROW(Y8, Y9)
	SETROW(Y10, Y11)

done:
	VZEROUPPER
	RET
