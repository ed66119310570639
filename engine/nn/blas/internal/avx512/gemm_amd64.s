#include "textflag.h"

// The AVX-512 register kernel of gemm_amd64.go: an 8x32 block of C from an
// 8-row panel of packed A and a 32-column panel of packed B. Each k step
// loads one row of the B panel (Z0, Z1), broadcasts the eight A values and
// adds their products into sixteen accumulators, Z16..Z31 (two per row).

// STEP is k step i of an unrolled group: B row at BX+128i, A column at SI+32i.
#define STEP(i) \
	VMOVUPS (i*128)(BX), Z0 \
	VMOVUPS (i*128+64)(BX), Z1 \
	VBROADCASTSS (i*32)(SI), Z2 \
	VFMADD231PS Z0, Z2, Z16 \
	VFMADD231PS Z1, Z2, Z17 \
	VBROADCASTSS (i*32+4)(SI), Z3 \
	VFMADD231PS Z0, Z3, Z18 \
	VFMADD231PS Z1, Z3, Z19 \
	VBROADCASTSS (i*32+8)(SI), Z4 \
	VFMADD231PS Z0, Z4, Z20 \
	VFMADD231PS Z1, Z4, Z21 \
	VBROADCASTSS (i*32+12)(SI), Z5 \
	VFMADD231PS Z0, Z5, Z22 \
	VFMADD231PS Z1, Z5, Z23 \
	VBROADCASTSS (i*32+16)(SI), Z6 \
	VFMADD231PS Z0, Z6, Z24 \
	VFMADD231PS Z1, Z6, Z25 \
	VBROADCASTSS (i*32+20)(SI), Z7 \
	VFMADD231PS Z0, Z7, Z26 \
	VFMADD231PS Z1, Z7, Z27 \
	VBROADCASTSS (i*32+24)(SI), Z8 \
	VFMADD231PS Z0, Z8, Z28 \
	VFMADD231PS Z1, Z8, Z29 \
	VBROADCASTSS (i*32+28)(SI), Z9 \
	VFMADD231PS Z0, Z9, Z30 \
	VFMADD231PS Z1, Z9, Z31

// ACCROW stores alpha*acc + beta*C into one row of C (DI), the columns
// masked by K1 and K2, and stops after the last of R8 rows.
#define ACCROW(lo, hi) \
	VMOVUPS.Z (DI), K1, Z4 \
	VMOVUPS.Z 64(DI), K2, Z5 \
	VMULPS Z3, Z4, Z4 \
	VMULPS Z3, Z5, Z5 \
	VFMADD231PS Z2, lo, Z4 \
	VFMADD231PS Z2, hi, Z5 \
	VMOVUPS Z4, K1, (DI) \
	VMOVUPS Z5, K2, 64(DI) \
	ADDQ R10, DI \
	DECQ R8 \
	JZ   done

// SETROW stores alpha*acc into one row of C without reading it.
#define SETROW(lo, hi) \
	VMULPS Z2, lo, lo \
	VMULPS Z2, hi, hi \
	VMOVUPS lo, K1, (DI) \
	VMOVUPS hi, K2, 64(DI) \
	ADDQ R10, DI \
	DECQ R8 \
	JZ   done

// func kernel8x32(kc int, a, b, c *float32, ldc int, alpha, beta float32, accumulate, rows, mask0, mask1 int)
TEXT ·kernel8x32(SB), NOSPLIT, $0-80
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DI
	MOVQ ldc+32(FP), R10
	SHLQ $2, R10
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
	VPXORD Z29, Z29, Z29
	VPXORD Z30, Z30, Z30
	VPXORD Z31, Z31, Z31
	MOVQ CX, DX
	SHRQ $2, DX
	JZ   tail

loop4:
	STEP(0)
	STEP(1)
	STEP(2)
	STEP(3)
	ADDQ $128, SI
	ADDQ $512, BX
	DECQ DX
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   store

loop1:
	STEP(0)
	ADDQ $32, SI
	ADDQ $128, BX
	DECQ CX
	JNZ  loop1

store:
	MOVQ         rows+56(FP), R8
	MOVQ         mask0+64(FP), AX
	KMOVW        AX, K1
	MOVQ         mask1+72(FP), AX
	KMOVW        AX, K2
	VBROADCASTSS alpha+40(FP), Z2
	VBROADCASTSS beta+44(FP), Z3
	MOVQ         accumulate+48(FP), AX
	TESTQ        AX, AX
	JZ           overwrite
	ACCROW(Z16, Z17)
	ACCROW(Z18, Z19)
	ACCROW(Z20, Z21)
	ACCROW(Z22, Z23)
	ACCROW(Z24, Z25)
	ACCROW(Z26, Z27)
	ACCROW(Z28, Z29)
	ACCROW(Z30, Z31)

overwrite:
	SETROW(Z16, Z17)
	SETROW(Z18, Z19)
	SETROW(Z20, Z21)
	SETROW(Z22, Z23)
	SETROW(Z24, Z25)
	SETROW(Z26, Z27)
	SETROW(Z28, Z29)
	SETROW(Z30, Z31)

done:
	VZEROUPPER
	RET

// func copy32(dst, src *float32, stride, rows, mask0, mask1 int)
// copies rows of 32 values, src rows stride floats apart, into consecutive
// rows of dst; the lanes outside mask0 (values 0-15) and mask1 (16-31) are
// written as zero.
TEXT ·copy32(SB), NOSPLIT, $0-48
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  stride+16(FP), R9
	SHLQ  $2, R9
	MOVQ  rows+24(FP), CX
	MOVQ  mask0+32(FP), AX
	KMOVW AX, K1
	MOVQ  mask1+40(FP), AX
	KMOVW AX, K2
	TESTQ CX, CX
	JZ    copy32done

copy32loop:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVUPS   Z0, (DI)
	VMOVUPS   Z1, 64(DI)
	ADDQ      R9, SI
	ADDQ      $128, DI
	DECQ      CX
	JNZ       copy32loop

copy32done:
	VZEROUPPER
	RET

// func copy8(dst, src *float32, stride, rows, mask int)
// is copy32 for rows of 8 values.
TEXT ·copy8(SB), NOSPLIT, $0-40
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  stride+16(FP), R9
	SHLQ  $2, R9
	MOVQ  rows+24(FP), CX
	MOVQ  mask+32(FP), AX
	KMOVW AX, K1
	TESTQ CX, CX
	JZ    copy8done

copy8loop:
	VMOVUPS.Z (SI), K1, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      R9, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       copy8loop

copy8done:
	VZEROUPPER
	RET
