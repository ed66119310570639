// Package avx512 is the engine's own single-precision matrix product for
// x86-64 cores with AVX-512, in Go assembly (which a cgo package such as
// blas cannot hold). blas.Sgemm uses it where it is available: on such
// cores a library may run AVX2 kernels (an OpenBLAS that does not know the
// core, or OPENBLAS_CORETYPE pinning them), which do half the work per
// instruction.
package avx512
