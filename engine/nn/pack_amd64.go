//go:build !purego

package nn

import "golang.org/x/sys/cpu"

// packAVX512 selects this package's AVX-512 kernels, packPanelAVX512 and
// dw3x3AVX512 (whose reductions need DQ and VL as well as F).
var packAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512VL

//go:noescape
func packPanelAVX512(dst, x *float32, taps *packTap, n int, segs *packSeg, nseg, h int)

//go:noescape
func packHalvesAVX512(dst, x *float32, taps *packTap, n int, segs *packSeg, h int)

// packPanel writes the rows of one panel for taps, from the pixel segments
// segs (at least one) of the plane block x, h rows high.
func packPanel(dst, x []float32, taps []packTap, segs []packSeg, h int) {
	dst = dst[:len(taps)*panelWidth]
	if len(segs) == 2 && segs[0].store == 0xffff && segs[1].store == 0xffff {
		packHalvesAVX512(&dst[0], &x[0], &taps[0], len(taps), &segs[0], h)
		return
	}
	packPanelAVX512(&dst[0], &x[0], &taps[0], len(taps), &segs[0], len(segs), h)
}
