package vqgan

import (
	"runtime"
	"runtime/debug"
	"testing"

	"tessera/engine/nn"
	"tessera/engine/weights"
)

// EncodeBytes holds what an encode allocates with the collector off (an
// upper bound of its live memory), and not grossly more. The tiny
// architecture's attention at the latent made a 512x512 encode allocate
// 2.1 GiB of scores before attention ran in blocks.
func TestEncodeBytesBoundsWhatEncodeAllocates(t *testing.T) {
	m, err := Load(weights.Random{Seed: 1}, "", tinyTaming())
	if err != nil {
		t.Fatal(err)
	}
	m.Encode(input(32, 32), nil) // first use: weight transforms, pools
	for _, side := range []int{128, 512} {
		x := nn.FromSlice(randomTensor(2, 1, 3, side, side), 1, 3, side, side)
		runtime.GC()
		old := debug.SetGCPercent(-1)
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		if _, err := m.Encode(x, nil); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&b)
		debug.SetGCPercent(old)
		got, est := int64(b.TotalAlloc-a.TotalAlloc), m.EncodeBytes(side, side)
		t.Logf("%dx%d: allocated %d MiB, estimate %d MiB", side, side, got>>20, est>>20)
		if got > est || est > 3*got+convScratch {
			t.Errorf("%dx%d: allocated %d bytes, estimated %d", side, side, got, est)
		}
	}
	if got := m.EncodeBytes(1<<40, 1<<40); got <= 0 {
		t.Errorf("a huge input is estimated at %d bytes", got)
	}
}
