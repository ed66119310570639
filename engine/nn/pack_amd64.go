//go:build !purego

package nn

import "golang.org/x/sys/cpu"

// packAVX512 selects packPanelAVX512 for the panels of stride-1
// convolutions.
var packAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW

//go:noescape
func packPanelAVX512(dst, x *float32, taps *packTap, n int, segs *packSeg, nseg, h int)

// packPanel writes the rows of one panel for taps, from the pixel segments
// segs (at least one) of the plane block x, h rows high.
func packPanel(dst, x []float32, taps []packTap, segs []packSeg, h int) {
	packPanelAVX512(&dst[:len(taps)*panelWidth][0], &x[0], &taps[0], len(taps), &segs[0], len(segs), h)
}
