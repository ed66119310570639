// Package pack holds what the engine's own product kernels (avx512, avx2)
// share to lay operands out in panels: an 8x8 block transpose in AVX
// assembly, its scalar tail, and the product without a product term.
package pack
