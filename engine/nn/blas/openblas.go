//go:build cgo && !purego

package blas

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
*/
import "C"

import (
	"runtime"
	"strings"
	"unsafe"
)

func init() {
	// OpenBLAS picks its thread count from the environment or the core count;
	// pin it to what Go sees so both pools agree.
	C.openblas_set_num_threads(C.int(runtime.GOMAXPROCS(0)))
}

func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := C.enum_CBLAS_TRANSPOSE(C.CblasNoTrans), C.enum_CBLAS_TRANSPOSE(C.CblasNoTrans)
	if transA {
		ta = C.CblasTrans
	}
	if transB {
		tb = C.CblasTrans
	}
	var pa, pb *float32
	if len(a) > 0 {
		pa = &a[0]
	}
	if len(b) > 0 {
		pb = &b[0]
	}
	C.cblas_sgemm(C.CblasRowMajor, ta, tb, C.blasint(m), C.blasint(n), C.blasint(k),
		C.float(alpha), (*C.float)(unsafe.Pointer(pa)), C.blasint(lda),
		(*C.float)(unsafe.Pointer(pb)), C.blasint(ldb),
		C.float(beta), (*C.float)(unsafe.Pointer(&c[0])), C.blasint(ldc))
}

// SetThreads sets how many threads the matrix products use.
func SetThreads(n int) { C.openblas_set_num_threads(C.int(n)) }

// Name describes the implementation in use, for status bars and reports.
func Name() string {
	return "OpenBLAS " + strings.TrimSpace(C.GoString(C.openblas_get_config()))
}
