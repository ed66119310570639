//go:build !purego

#include "textflag.h"
#include "splat_amd64.h"

// AVX2+FMA versions of the element-wise kernels in act.go, 8 floats per
// iteration. The last 1..7 elements go through VMASKMOVPS with a mask from
// actTail, so short rows (patch rows, attention rows) stay vectorised.

SPLAT(actLog2e, 0x3fb8aa3b)
SPLAT(actLn2hi, 0x3f317200)
SPLAT(actLn2lo, 0x35bfbe8e)
SPLAT(actC6, 0x3ab60b61)     // 1/720
SPLAT(actC5, 0x3c088889)     // 1/120
SPLAT(actC4, 0x3d2aaaab)     // 1/24
SPLAT(actC3, 0x3e2aaaab)     // 1/6
SPLAT(actHalf, 0x3f000000)
SPLAT(actOne, 0x3f800000)
SPLAT(actExpLo, 0xc2ae999a)  // -87.3
SPLAT(actNegHi, 0xc2b170a4)  // -88.72
SPLAT(actInf, 0x7f800000)
SPLAT(actNegInf, 0xff800000)
SPLAT(actSign, 0x80000000)
SPLAT(actAbs, 0x7fffffff)
SPLAT(actRsqrt2, 0x3f3504f3) // 1/√2
SPLAT(actErfP, 0x3ea7ba05)   // 0.3275911
SPLAT(actErfA1, 0x3e827906)  // 0.254829592
SPLAT(actErfA2, 0xbe91a98e)  // -0.284496736
SPLAT(actErfA3, 0x3fb5f0e3)  // 1.421413741
SPLAT(actErfA4, 0xbfba00e3)  // -1.453152027
SPLAT(actErfA5, 0x3f87dc22)  // 1.061405429

// actTail is eight all-ones lanes then eight zero lanes: the 32 bytes at
// actTail+4*(8-k) enable the first k lanes.
DATA actTail<>+0(SB)/8, $-1
DATA actTail<>+8(SB)/8, $-1
DATA actTail<>+16(SB)/8, $-1
DATA actTail<>+24(SB)/8, $-1
DATA actTail<>+32(SB)/8, $0
DATA actTail<>+40(SB)/8, $0
DATA actTail<>+48(SB)/8, $0
DATA actTail<>+56(SB)/8, $0
GLOBL actTail<>(SB), RODATA|NOPTR, $64

// TAILMASK loads into m the mask for the k = CX (1..7) remaining elements.
#define TAILMASK(m) \
	LEAQ actTail<>+32(SB), AX \
	SHLQ $2, CX \
	SUBQ CX, AX \
	VMOVUPS (AX), m

// EXP replaces x with Exp32(x) for x in [-87.3, 88.72] (callers clamp below
// and replace results above; a NaN passes through): n = round(x·log2e),
// r = x - n·ln2 in two parts, the degree-6 Taylor polynomial p(r), and n
// added to p's exponent bits. That add is exact over the whole range: p < 1
// where n = 128 and p > 1 where n = -126. Uses n and p.
#define EXP(x, n, p) \
	VMULPS actLog2e<>(SB), x, n \
	VROUNDPS $0, n, n \
	VFNMADD231PS actLn2hi<>(SB), n, x \
	VFNMADD231PS actLn2lo<>(SB), n, x \
	VMOVUPS actC6<>(SB), p \
	VFMADD213PS actC5<>(SB), x, p \
	VFMADD213PS actC4<>(SB), x, p \
	VFMADD213PS actC3<>(SB), x, p \
	VFMADD213PS actHalf<>(SB), x, p \
	VFMADD213PS actOne<>(SB), x, p \
	VFMADD213PS actOne<>(SB), x, p \
	VCVTPS2DQ n, n \
	VPSLLD $23, n, n \
	VPADDD n, p, x

// SWISH replaces Y0 with Swish(Y0*Y14 + Y15), using Y1..Y4. exp(-y) needs
// no upper clamp, as the blend replaces every result past 88.72 with +Inf
// (Exp32's); below the lower clamp 1 + exp(-y) rounds to 1 either way. A
// NaN y propagates through the final division.
#define SWISH \
	VFMADD213PS Y15, Y14, Y0 \
	VXORPS actSign<>(SB), Y0, Y1 \
	VMAXPS actExpLo<>(SB), Y1, Y1 \
	EXP(Y1, Y2, Y3) \
	VCMPPS $1, actNegHi<>(SB), Y0, Y4 \
	VBLENDVPS Y4, actInf<>(SB), Y1, Y1 \
	VADDPS actOne<>(SB), Y1, Y1 \
	VDIVPS Y1, Y0, Y0

// func swishAffineAVX2(dst, src *float32, n int, scale, shift float32)
TEXT ·swishAffineAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS scale+24(FP), Y14
	VBROADCASTSS shift+28(FP), Y15
	SUBQ $8, CX
	JB   swishtail

swishloop:
	VMOVUPS (SI), Y0
	SWISH
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JAE  swishloop

swishtail:
	ADDQ $8, CX
	JZ   swishdone
	TAILMASK(Y13)
	VMASKMOVPS (SI), Y13, Y0
	SWISH
	VMASKMOVPS Y0, Y13, (DI)

swishdone:
	VZEROUPPER
	RET

// SWISHGRAD replaces Y5 = g with the gradient of x*sigmoid(x) at Y0 = x,
// in autograd's order g*s + ((g*x)*(1-s))*s, using Y1..Y4. exp(-x) is
// clamped and blended as in SWISH, so s is 0 past x = -88.72.
#define SWISHGRAD \
	VXORPS actSign<>(SB), Y0, Y1 \
	VMAXPS actExpLo<>(SB), Y1, Y1 \
	EXP(Y1, Y2, Y3) \
	VCMPPS $1, actNegHi<>(SB), Y0, Y4 \
	VBLENDVPS Y4, actInf<>(SB), Y1, Y1 \
	VADDPS actOne<>(SB), Y1, Y1 \
	VMOVUPS actOne<>(SB), Y2 \
	VDIVPS Y1, Y2, Y2 \
	VMULPS Y0, Y5, Y3 \
	VMOVUPS actOne<>(SB), Y4 \
	VSUBPS Y2, Y4, Y4 \
	VMULPS Y4, Y3, Y3 \
	VMULPS Y2, Y3, Y3 \
	VMULPS Y2, Y5, Y5 \
	VADDPS Y3, Y5, Y5

// func swishGradAVX2(dst, x, grad *float32, n int)
TEXT ·swishGradAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ grad+16(FP), DX
	MOVQ n+24(FP), CX
	SUBQ $8, CX
	JB   sgradtail

sgradloop:
	VMOVUPS (SI), Y0
	VMOVUPS (DX), Y5
	SWISHGRAD
	VMOVUPS Y5, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $8, CX
	JAE  sgradloop

sgradtail:
	ADDQ $8, CX
	JZ   sgraddone
	TAILMASK(Y13)
	VMASKMOVPS (SI), Y13, Y0
	VMASKMOVPS (DX), Y13, Y5
	SWISHGRAD
	VMASKMOVPS Y5, Y13, (DI)

sgraddone:
	VZEROUPPER
	RET

// func reluAVX2(xs *float32, n int): xs[i] = 0 where xs[i] < 0 (NaN and
// -0 stay).
TEXT ·reluAVX2(SB), NOSPLIT, $0-16
	MOVQ   xs+0(FP), DI
	MOVQ   n+8(FP), CX
	VXORPS Y15, Y15, Y15
	SUBQ   $8, CX
	JB     relutail

reluloop:
	VMOVUPS (DI), Y0
	VCMPPS  $1, Y15, Y0, Y1
	VANDNPS Y0, Y1, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	SUBQ    $8, CX
	JAE     reluloop

relutail:
	ADDQ       $8, CX
	JZ         reludone
	TAILMASK(Y13)
	VMASKMOVPS (DI), Y13, Y0
	VCMPPS     $1, Y15, Y0, Y1
	VANDNPS    Y0, Y1, Y0
	VMASKMOVPS Y0, Y13, (DI)

reludone:
	VZEROUPPER
	RET

// func leakyAVX2(dst, x, a *float32, n int, slope float32): dst[i] = a[i]
// where x[i] > 0, else a[i]*slope.
TEXT ·leakyAVX2(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         a+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS slope+32(FP), Y14
	VXORPS       Y15, Y15, Y15
	SUBQ         $8, CX
	JB           leakytail

leakyloop:
	VMOVUPS   (SI), Y0
	VMOVUPS   (DX), Y2
	VCMPPS    $0x0e, Y15, Y0, Y1
	VMULPS    Y14, Y2, Y3
	VBLENDVPS Y1, Y2, Y3, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, DI
	SUBQ      $8, CX
	JAE       leakyloop

leakytail:
	ADDQ       $8, CX
	JZ         leakydone
	TAILMASK(Y13)
	VMASKMOVPS (SI), Y13, Y0
	VMASKMOVPS (DX), Y13, Y2
	VCMPPS     $0x0e, Y15, Y0, Y1
	VMULPS     Y14, Y2, Y3
	VBLENDVPS  Y1, Y2, Y3, Y0
	VMASKMOVPS Y0, Y13, (DI)

leakydone:
	VZEROUPPER
	RET

// func positiveAVX2(dst, x, a *float32, n int): dst[i] = a[i] where
// x[i] > 0, else +0.
TEXT ·positiveAVX2(SB), NOSPLIT, $0-32
	MOVQ   dst+0(FP), DI
	MOVQ   x+8(FP), SI
	MOVQ   a+16(FP), DX
	MOVQ   n+24(FP), CX
	VXORPS Y15, Y15, Y15
	SUBQ   $8, CX
	JB     postail

posloop:
	VMOVUPS (SI), Y0
	VCMPPS  $0x0e, Y15, Y0, Y1
	VANDPS  (DX), Y1, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JAE     posloop

postail:
	ADDQ       $8, CX
	JZ         posdone
	TAILMASK(Y13)
	VMASKMOVPS (SI), Y13, Y0
	VMASKMOVPS (DX), Y13, Y2
	VCMPPS     $0x0e, Y15, Y0, Y1
	VANDPS     Y2, Y1, Y0
	VMASKMOVPS Y0, Y13, (DI)

posdone:
	VZEROUPPER
	RET

// TOF64 widens the 8 floats of Y0 to doubles, the low four into Y1 and the
// high four into Y2.
#define TOF64 \
	VCVTPS2PD    X0, Y1 \
	VEXTRACTF128 $1, Y0, X2 \
	VCVTPS2PD    X2, Y2

// HSUMPD folds the four doubles of y into the low lane of x (y's low half),
// using X15.
#define HSUMPD(y, x) \
	VEXTRACTF128 $1, y, X15 \
	VADDPD       X15, x, x \
	VPERMILPD    $1, x, X15 \
	VADDSD       X15, x, x

// func sumSqAVX2(xs *float32, n int) (s, q float64): the sum and the sum
// of squares of xs, in doubles (each product is exact).
TEXT ·sumSqAVX2(SB), NOSPLIT, $0-32
	MOVQ   xs+0(FP), SI
	MOVQ   n+8(FP), CX
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	SUBQ   $8, CX
	JB     sqtail

sqloop:
	VMOVUPS     (SI), Y0
	TOF64
	VADDPD      Y1, Y8, Y8
	VADDPD      Y2, Y9, Y9
	VFMADD231PD Y1, Y1, Y10
	VFMADD231PD Y2, Y2, Y11
	ADDQ        $32, SI
	SUBQ        $8, CX
	JAE         sqloop

sqtail:
	ADDQ        $8, CX
	JZ          sqdone
	TAILMASK(Y13)
	VMASKMOVPS  (SI), Y13, Y0
	TOF64
	VADDPD      Y1, Y8, Y8
	VADDPD      Y2, Y9, Y9
	VFMADD231PD Y1, Y1, Y10
	VFMADD231PD Y2, Y2, Y11

sqdone:
	VADDPD Y9, Y8, Y8
	VADDPD Y11, Y10, Y10
	HSUMPD(Y8, X8)
	HSUMPD(Y10, X10)
	VMOVSD X8, s+16(FP)
	VMOVSD X10, q+24(FP)
	VZEROUPPER
	RET

// NORMXH turns the 8 floats x of Y3 into xhat = x*inv + shift, inv in Y14
// and shift in Y15, without a fused multiply-add: rounded as the Go code
// rounds it.
#define NORMXH \
	VMULPS Y14, Y3, Y3 \
	VADDPS Y15, Y3, Y3

// func normSumsAVX2(grad, x *float32, n int, inv, shift float32) (s, sx float64):
// the sums of g and of g*xhat, xhat = x*inv + shift, in doubles.
TEXT ·normSumsAVX2(SB), NOSPLIT, $0-48
	MOVQ         grad+0(FP), DX
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS inv+24(FP), Y14
	VBROADCASTSS shift+28(FP), Y15
	VXORPD       Y8, Y8, Y8
	VXORPD       Y9, Y9, Y9
	VXORPD       Y10, Y10, Y10
	VXORPD       Y11, Y11, Y11
	SUBQ         $8, CX
	JB           nstail

nsloop:
	VMOVUPS      (SI), Y3
	NORMXH
	VMOVUPS      (DX), Y0
	TOF64
	VADDPD       Y1, Y8, Y8
	VADDPD       Y2, Y9, Y9
	VCVTPS2PD    X3, Y4
	VEXTRACTF128 $1, Y3, X5
	VCVTPS2PD    X5, Y5
	VFMADD231PD  Y4, Y1, Y10
	VFMADD231PD  Y5, Y2, Y11
	ADDQ         $32, SI
	ADDQ         $32, DX
	SUBQ         $8, CX
	JAE          nsloop

nstail:
	ADDQ         $8, CX
	JZ           nsdone
	TAILMASK(Y13)
	VMASKMOVPS   (SI), Y13, Y3
	NORMXH
	VMASKMOVPS   (DX), Y13, Y0
	TOF64
	VADDPD       Y1, Y8, Y8
	VADDPD       Y2, Y9, Y9
	VCVTPS2PD    X3, Y4
	VEXTRACTF128 $1, Y3, X5
	VCVTPS2PD    X5, Y5
	VFMADD231PD  Y4, Y1, Y10
	VFMADD231PD  Y5, Y2, Y11

nsdone:
	VADDPD Y9, Y8, Y8
	VADDPD Y11, Y10, Y10
	VEXTRACTF128 $1, Y8, X15
	VADDPD       X15, X8, X8
	VPERMILPD    $1, X8, X15
	VADDSD       X15, X8, X8
	VEXTRACTF128 $1, Y10, X15
	VADDPD       X15, X10, X10
	VPERMILPD    $1, X10, X15
	VADDSD       X15, X10, X10
	VMOVSD       X8, s+32(FP)
	VMOVSD       X10, sx+40(FP)
	VZEROUPPER
	RET

// func normGradAVX2(dst, grad, x *float32, n int, inv, shift, gm, m1, m2 float32)
// writes inv * (gm*g - m1 - xhat*m2), xhat = x*inv + shift, in the Go
// code's order of float32 operations.
TEXT ·normGradAVX2(SB), NOSPLIT, $0-52
	MOVQ         dst+0(FP), DI
	MOVQ         grad+8(FP), DX
	MOVQ         x+16(FP), SI
	MOVQ         n+24(FP), CX
	VBROADCASTSS inv+32(FP), Y14
	VBROADCASTSS shift+36(FP), Y15
	VBROADCASTSS gm+40(FP), Y10
	VBROADCASTSS m1+44(FP), Y11
	VBROADCASTSS m2+48(FP), Y12
	SUBQ         $8, CX
	JB           ngtail

ngloop:
	VMOVUPS (SI), Y3
	NORMXH
	VMULPS  (DX), Y10, Y0
	VSUBPS  Y11, Y0, Y0
	VMULPS  Y12, Y3, Y3
	VSUBPS  Y3, Y0, Y0
	VMULPS  Y14, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JAE     ngloop

ngtail:
	ADDQ       $8, CX
	JZ         ngdone
	TAILMASK(Y13)
	VMASKMOVPS (SI), Y13, Y3
	NORMXH
	VMASKMOVPS (DX), Y13, Y1
	VMULPS     Y1, Y10, Y0
	VSUBPS     Y11, Y0, Y0
	VMULPS     Y12, Y3, Y3
	VSUBPS     Y3, Y0, Y0
	VMULPS     Y14, Y0, Y0
	VMASKMOVPS Y0, Y13, (DI)

ngdone:
	VZEROUPPER
	RET

// func affineAVX2(dst, src *float32, n int, scale, shift float32)
TEXT ·affineAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS scale+24(FP), Y14
	VBROADCASTSS shift+28(FP), Y15
	SUBQ $8, CX
	JB   affinetail

affineloop:
	VMOVUPS (SI), Y0
	VFMADD213PS Y15, Y14, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JAE  affineloop

affinetail:
	ADDQ $8, CX
	JZ   affinedone
	TAILMASK(Y13)
	VMASKMOVPS (SI), Y13, Y0
	VFMADD213PS Y15, Y14, Y0
	VMASKMOVPS Y0, Y13, (DI)

affinedone:
	VZEROUPPER
	RET

// func addAVX2(dst, src *float32, n int): dst[i] += src[i].
TEXT ·addAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SUBQ $8, CX
	JB   addtail

addloop:
	VMOVUPS (SI), Y0
	VADDPS (DI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JAE  addloop

addtail:
	ADDQ $8, CX
	JZ   adddone
	TAILMASK(Y13)
	VMASKMOVPS (SI), Y13, Y0
	VMASKMOVPS (DI), Y13, Y1
	VADDPS Y1, Y0, Y0
	VMASKMOVPS Y0, Y13, (DI)

adddone:
	VZEROUPPER
	RET

// GELU replaces Y0 = v with 0.5·v·(1 + erf(v/√2)), erf as in Erf32, using
// Y1..Y8 and Y15 = 1. exp(-x²) only needs the lower clamp (its argument is
// never positive); a NaN v propagates through the final product.
#define GELU \
	VMULPS actRsqrt2<>(SB), Y0, Y1 \
	VANDPS actAbs<>(SB), Y1, Y2 \
	VXORPS Y2, Y1, Y3 \
	VMOVAPS Y15, Y4 \
	VFMADD231PS actErfP<>(SB), Y2, Y4 \
	VDIVPS Y4, Y15, Y4 \
	VMOVUPS actErfA5<>(SB), Y5 \
	VFMADD213PS actErfA4<>(SB), Y4, Y5 \
	VFMADD213PS actErfA3<>(SB), Y4, Y5 \
	VFMADD213PS actErfA2<>(SB), Y4, Y5 \
	VFMADD213PS actErfA1<>(SB), Y4, Y5 \
	VMULPS Y4, Y5, Y5 \
	VMULPS Y2, Y2, Y6 \
	VXORPS actSign<>(SB), Y6, Y6 \
	VMAXPS actExpLo<>(SB), Y6, Y6 \
	EXP(Y6, Y7, Y8) \
	VFNMADD213PS Y15, Y5, Y6 \
	VXORPS Y3, Y6, Y6 \
	VMULPS actHalf<>(SB), Y0, Y0 \
	VFMADD231PS Y6, Y0, Y0

// func geluAVX2(xs *float32, n int)
TEXT ·geluAVX2(SB), NOSPLIT, $0-16
	MOVQ xs+0(FP), DI
	MOVQ n+8(FP), CX
	VMOVUPS actOne<>(SB), Y15
	SUBQ $8, CX
	JB   gelutail

geluloop:
	VMOVUPS (DI), Y0
	GELU
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	SUBQ $8, CX
	JAE  geluloop

gelutail:
	ADDQ $8, CX
	JZ   geludone
	TAILMASK(Y13)
	VMASKMOVPS (DI), Y13, Y0
	GELU
	VMASKMOVPS Y0, Y13, (DI)

geludone:
	VZEROUPPER
	RET

// HREDUCE folds the 8 lanes of Y0 into the low lane of X0 with op, using X1.
#define HREDUCE(op) \
	VEXTRACTF128 $1, Y0, X1 \
	op X1, X0, X0 \
	VPERMILPS $0x4e, X0, X1 \
	op X1, X0, X0 \
	VPERMILPS $0xb1, X0, X1 \
	op X1, X0, X0

// func rowMaxAVX2(row *float32, n int) float32
TEXT ·rowMaxAVX2(SB), NOSPLIT, $0-20
	MOVQ row+0(FP), SI
	MOVQ n+8(FP), CX
	VMOVUPS actNegInf<>(SB), Y0
	SUBQ $8, CX
	JB   maxtail

maxloop:
	VMAXPS (SI), Y0, Y0
	ADDQ $32, SI
	SUBQ $8, CX
	JAE  maxloop

maxtail:
	ADDQ $8, CX
	JZ   maxdone
	TAILMASK(Y13)
	VMASKMOVPS (SI), Y13, Y1
	VBLENDVPS Y13, Y1, Y0, Y1 // lanes past the row keep the running max
	VMAXPS Y1, Y0, Y0

maxdone:
	HREDUCE(VMAXPS)
	VMOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

// EXPSUB replaces Y0 = v with Exp32(v - m), m in Y14, using Y1..Y4 and
// Y13 = -87.3: below that the result is 0, and a NaN passes the clamp
// (the constant is VMAXPS's first source) and then EXP.
#define EXPSUB \
	VSUBPS Y14, Y0, Y0 \
	VCMPPS $1, Y13, Y0, Y4 \
	VMAXPS Y0, Y13, Y0 \
	EXP(Y0, Y1, Y2) \
	VANDNPS Y0, Y4, Y0

// func expSubSumAVX2(row *float32, n int, m float32) float32
TEXT ·expSubSumAVX2(SB), NOSPLIT, $0-28
	MOVQ row+0(FP), DI
	MOVQ n+8(FP), CX
	VBROADCASTSS m+16(FP), Y14
	VMOVUPS actExpLo<>(SB), Y13
	VXORPS Y15, Y15, Y15
	SUBQ $8, CX
	JB   expsubtail

expsubloop:
	VMOVUPS (DI), Y0
	EXPSUB
	VMOVUPS Y0, (DI)
	VADDPS Y0, Y15, Y15
	ADDQ $32, DI
	SUBQ $8, CX
	JAE  expsubloop

expsubtail:
	ADDQ $8, CX
	JZ   expsubdone
	TAILMASK(Y12)
	VMASKMOVPS (DI), Y12, Y0
	EXPSUB
	VMASKMOVPS Y0, Y12, (DI)
	VANDPS Y12, Y0, Y0 // lanes past the row add nothing
	VADDPS Y0, Y15, Y15

expsubdone:
	VMOVAPS Y15, Y0
	HREDUCE(VADDPS)
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET
