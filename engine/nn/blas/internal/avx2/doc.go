// Package avx2 is the engine's own single-precision matrix product for
// x86-64 cores with AVX2 and FMA but no AVX-512, in Go assembly. It is the
// avx512 package's product at half the vector width: a 6x16 register tile
// (12 ymm accumulators) over packed panels. blas.Sgemm uses it there, and in
// builds without OpenBLAS, so that speed does not depend on which cores a
// BLAS build knows.
package avx2
