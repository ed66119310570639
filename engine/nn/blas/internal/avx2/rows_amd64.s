#include "textflag.h"

// HSUM4 adds up the 8 lanes of each of a, b, c and d (t0, whose low half
// is t0x, and t1 are scratch) and stores the four sums at ptr, pairs of
// lanes first, then pairs of pairs, then the two halves: dot1 repeats the
// order.
#define HSUM4(a, b, c, d, t0, t0x, t1, ptr) \
	VHADDPS      b, a, t0 \
	VHADDPS      d, c, t1 \
	VHADDPS      t1, t0, t0 \
	VEXTRACTF128 $1, t0, X15 \
	VADDPS       X15, t0x, t0x \
	VMOVUPS      t0x, ptr

// func dot4(k int, a, b *float32, ldb int, acc *float32)
// multiplies one row of A with four rows of B (ldb floats apart), k a
// positive multiple of 8, and stores the four sums in acc[0:4].
TEXT ·dot4(SB), NOSPLIT, $0-40
	MOVQ   k+0(FP), CX
	MOVQ   a+8(FP), SI
	MOVQ   b+16(FP), BX
	MOVQ   ldb+24(FP), R8
	SHLQ   $2, R8
	MOVQ   acc+32(FP), DI
	LEAQ   (BX)(R8*1), R9
	LEAQ   (BX)(R8*2), R10
	LEAQ   (R9)(R8*2), R11
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	SHRQ   $3, CX

dot4loop:
	VMOVUPS     (SI), Y4
	VFMADD231PS (BX), Y4, Y0
	VFMADD231PS (R9), Y4, Y1
	VFMADD231PS (R10), Y4, Y2
	VFMADD231PS (R11), Y4, Y3
	ADDQ        $32, SI
	ADDQ        $32, BX
	ADDQ        $32, R9
	ADDQ        $32, R10
	ADDQ        $32, R11
	DECQ        CX
	JNZ         dot4loop
	HSUM4(Y0, Y1, Y2, Y3, Y4, X4, Y5, (DI))
	VZEROUPPER
	RET

// func axpy(n int, s float32, x, y *float32)
// adds s*x[i] to y[i] for i < n, n a positive multiple of 8.
TEXT ·axpy(SB), NOSPLIT, $0-32
	MOVQ         n+0(FP), CX
	VBROADCASTSS s+8(FP), Y0
	MOVQ         x+16(FP), SI
	MOVQ         y+24(FP), DI
	SHRQ         $3, CX

axpyloop:
	VMOVUPS     (DI), Y1
	VFMADD231PS (SI), Y0, Y1
	VMOVUPS     Y1, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         axpyloop
	VZEROUPPER
	RET

// BROW multiplies the B row at ptr with both A rows (Y8, Y9) into lo and hi.
#define BROW(ptr, lo, hi) \
	VMOVUPS     (ptr), Y10 \
	VFMADD231PS Y10, Y8, lo \
	VFMADD231PS Y10, Y9, hi

// func dot4x2(k int, a *float32, lda int, b *float32, ldb int, acc *float32)
// is dot4 for two rows of A (lda floats apart): acc[0:4] for the first,
// acc[4:8] for the second. Eight independent sums keep both FMA units
// busy while the four rows of B stay in L1.
TEXT ·dot4x2(SB), NOSPLIT, $0-48
	MOVQ   k+0(FP), CX
	MOVQ   a+8(FP), SI
	MOVQ   lda+16(FP), DX
	SHLQ   $2, DX
	ADDQ   SI, DX
	MOVQ   b+24(FP), BX
	MOVQ   ldb+32(FP), R8
	SHLQ   $2, R8
	MOVQ   acc+40(FP), DI
	LEAQ   (BX)(R8*1), R9
	LEAQ   (BX)(R8*2), R10
	LEAQ   (R9)(R8*2), R11
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	SHRQ   $3, CX

dot4x2loop:
	VMOVUPS (SI), Y8
	VMOVUPS (DX), Y9
	BROW(BX, Y0, Y4)
	BROW(R9, Y1, Y5)
	BROW(R10, Y2, Y6)
	BROW(R11, Y3, Y7)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, BX
	ADDQ    $32, R9
	ADDQ    $32, R10
	ADDQ    $32, R11
	DECQ    CX
	JNZ     dot4x2loop
	HSUM4(Y0, Y1, Y2, Y3, Y8, X8, Y9, (DI))
	HSUM4(Y4, Y5, Y6, Y7, Y8, X8, Y9, 16(DI))
	VZEROUPPER
	RET

// func dot1(k int, a, b *float32, acc *float32)
// is dot4 for one row of B into acc[0], summed in the same order, so a
// column's value does not depend on where it falls among groups of four.
TEXT ·dot1(SB), NOSPLIT, $0-32
	MOVQ   k+0(FP), CX
	MOVQ   a+8(FP), SI
	MOVQ   b+16(FP), BX
	MOVQ   acc+24(FP), DI
	VXORPS Y0, Y0, Y0
	SHRQ   $3, CX

dot1loop:
	VMOVUPS     (SI), Y4
	VFMADD231PS (BX), Y4, Y0
	ADDQ        $32, SI
	ADDQ        $32, BX
	DECQ        CX
	JNZ         dot1loop
	VXORPS       Y1, Y1, Y1
	VHADDPS      Y1, Y0, Y4
	VHADDPS      Y1, Y4, Y4
	VEXTRACTF128 $1, Y4, X15
	VADDPS       X15, X4, X4
	VMOVSS       X4, (DI)
	VZEROUPPER
	RET
