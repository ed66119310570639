//go:build unix

package imgio

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"tessera/engine/tokens"
)

func lowerMaxMeta(t *testing.T, n int) {
	old := MaxMeta
	MaxMeta = n
	t.Cleanup(func() { MaxMeta = old })
}

// Class 7: the text chunks together are bounded, however many there are
// (120 chunks of 60 MiB each once reached 5.8 GB); one value replaced by a
// later chunk of the same key counts once.
func TestReadPNGMetaBoundsTheTotal(t *testing.T) {
	lowerMaxMeta(t, 1000)
	chunk := func(key string, n int) []byte {
		return append([]byte(key+"\x00\x00"), deflate(strings.Repeat("a", n))...)
	}
	ok := withChunks(t, "zTXt", chunk("a", 400), "zTXt", chunk("b", 400), "zTXt", chunk("a", 500))
	if got, err := ReadPNGMeta(ok); err != nil || len(got["a"]) != 500 || len(got["b"]) != 400 {
		t.Fatalf("900 bytes in all: %v", err)
	}
	many := withChunks(t, "zTXt", chunk("a", 400), "zTXt", chunk("b", 400), "zTXt", chunk("c", 400))
	if _, err := ReadPNGMeta(many); err == nil || !strings.Contains(err.Error(), "the text inflates past 200 bytes, what is left of the 1000 bytes of metadata Tessera reads") {
		t.Fatalf("1200 bytes in three chunks: %v", err)
	}
	raw := withChunks(t, "tEXt", append([]byte("k\x00"), strings.Repeat("b", 1001)...))
	if _, err := ReadPNGMeta(raw); err == nil || !strings.Contains(err.Error(), "tEXt chunk at byte 70: the text chunks hold more than the 1000 bytes") {
		t.Fatalf("an uncompressed chunk over the limit: %v", err)
	}
}

// Class 7: what the reader would refuse is never written.
func TestSavePNGRefusesMetadataTheReaderWouldRefuse(t *testing.T) {
	lowerMaxMeta(t, 1000)
	p := filepath.Join(t.TempDir(), "x.png")
	err := SavePNG(p, position(4, 4), map[string]string{"small": "x", "param": strings.Repeat("é", 600)})
	if err == nil || !strings.Contains(err.Error(), `the metadata is 1.2 KiB ("param" alone 1.2 KiB), more than the 1000 bytes a PNG's metadata may hold`) {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatalf("a file was written: %v", err)
	}
	// At the limit it is written and reads back.
	if err := SavePNG(p, position(4, 4), map[string]string{"k": strings.Repeat("z", 1000)}); err != nil {
		t.Fatal(err)
	}
	if m, err := ReadPNGMeta(p); err != nil || len(m["k"]) != 1000 {
		t.Fatalf("read back: %v", err)
	}
	// A grid whose JSON would pass the limit is refused the same way.
	g := tokens.New(40, 40)
	if err := SaveWithGrid(p, position(4, 4), g, nil); err == nil || !strings.Contains(err.Error(), "more than the 1000 bytes a PNG's metadata may hold") {
		t.Fatalf("grid: %v", err)
	}
}

// Class 7: a FIFO or a device named as an image, a mask or a grid PNG is
// refused at once instead of blocking or reading without end.
func TestSpecialFilesAsImages(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "in.png")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skip(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, path := range []string{pipe, "/dev/zero"} {
			if _, err := os.Stat(path); err != nil {
				continue
			}
			calls := map[string]error{}
			_, _, calls["Load"] = Load(path, 4)
			_, calls["Decode"] = Decode(path)
			_, _, _, calls["LoadLabels"] = LoadLabels(path)
			_, calls["LoadMask"] = LoadMask(path, 2, 2, 4)
			_, calls["ReadPNGMeta"] = ReadPNGMeta(path)
			_, _, calls["GridFromPNG"] = GridFromPNG(path)
			_, _, calls["Size"] = Size(path)
			for name, err := range calls {
				if err == nil || !strings.HasPrefix(err.Error(), "imgio: "+path+" is a ") || !strings.HasSuffix(err.Error(), ", not a regular file") {
					t.Errorf("%s(%s): %v", name, path, err)
				}
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}
}

// Class 8: an all-black mask selects nothing, and says so.
func TestLoadMaskRefusesAnAllBlackMask(t *testing.T) {
	black := save(t, "black.png", image.NewGray(image.Rect(0, 0, 8, 8)))
	_, err := LoadMask(black, 2, 2, 4)
	if err == nil || err.Error() != "imgio: "+black+": the mask selects no tokens: every pixel is black (non-black pixels mark the tokens to resample)" {
		t.Fatalf("err = %v", err)
	}
	one := image.NewGray(image.Rect(0, 0, 8, 8))
	one.Pix[5*8+6] = 1
	m, err := LoadMask(save(t, "one.png", one), 2, 2, 4)
	if err != nil || m.Count() != 1 || !m.At(1, 1) {
		t.Fatalf("one pixel: %v %v", m, err)
	}
}
