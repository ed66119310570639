//go:build !amd64

package blas

// ownKernels: the engine's own kernels are x86-64 assembly.
func ownKernels() []*ownKernel { return nil }
