package imgio

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/png"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// chunkTypes lists the chunk types of a PNG file in order.
func chunkTypes(t *testing.T, path string) ([]string, []chunk) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := chunks(b)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, c := range cs {
		types = append(types, c.typ)
	}
	return types, cs
}

func TestSavePNGMetaRoundTrip(t *testing.T) {
	long := strings.Repeat("grille de jetons — 東京 ", 10000) // ~280 kB
	meta := map[string]string{
		"Title":   "sunset",
		"Comment": "café au lait\nsecond line", // Latin-1: tEXt
		"Author":  "東京の画家",                     // not Latin-1: iTXt
		"Log":     long,                        // long: compressed iTXt
	}
	img := position(24, 16)
	path := filepath.Join(t.TempDir(), "out.png")
	if err := SavePNG(path, img, meta); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPNGMeta(path)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, meta) {
		for k := range meta {
			if got[k] != meta[k] {
				t.Errorf("%s: got %.60q, want %.60q", k, got[k], meta[k])
			}
		}
		t.Fatalf("keys %v", slices.Sorted(maps.Keys(got)))
	}

	types, cs := chunkTypes(t, path)
	// Sorted keys, after IHDR and before the image data.
	want := []string{"IHDR", "iTXt", "tEXt", "iTXt", "tEXt", "IDAT"}
	if !slices.Equal(types[:6], want) {
		t.Fatalf("chunks %v, want %v...", types, want)
	}
	for _, c := range cs {
		if c.typ == "iTXt" && bytes.HasPrefix(c.data, []byte("Log\x00")) {
			if c.data[4] != 1 || len(c.data) > len(long)/20 {
				t.Fatalf("the long value is stored with flag %d in %d bytes", c.data[4], len(c.data))
			}
		}
	}

	// image/png checks every chunk's CRC and still reads the pixels.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dec.(*image.RGBA).Pix, img.Pix) {
		t.Fatal("pixels changed")
	}
}

func TestSavePNGOverwritesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.png")
	for _, v := range []string{"one", "two"} {
		if err := SavePNG(path, position(8, 8), map[string]string{"k": v}); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := ReadPNGMeta(path); err != nil || got["k"] != "two" {
		t.Fatalf("got %v, %v", got, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("%d files left in the directory", len(entries))
	}
	nodir := filepath.Join(dir, "missing", "out.png")
	if err := SavePNG(nodir, position(8, 8), nil); err == nil || !strings.HasPrefix(err.Error(), "imgio: "+nodir+": write: ") {
		t.Fatalf("write into a missing directory: %v", err)
	}
}

func TestSavePNGRejectsBadMeta(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.png")
	const rule = " is not a PNG keyword (1-79 printable Latin-1 characters, no leading, trailing or double spaces)"
	for _, key := range []string{"", " lead", "trail ", "a  b", strings.Repeat("k", 80), "東", "tab\there"} {
		err := SavePNG(path, position(8, 8), map[string]string{key: "v"})
		wantErr(t, err, fmt.Sprintf("imgio: %s: metadata key %q%s", path, key, rule))
	}
	err := SavePNG(path, position(8, 8), map[string]string{"k": "a\x00b"})
	wantErr(t, err, "imgio: "+path+`: metadata "k": the value must be UTF-8 text without NUL characters`)
	err = SavePNG(path, position(8, 8), map[string]string{"k": "\xff"})
	wantErr(t, err, "imgio: "+path+`: metadata "k": the value must be UTF-8 text without NUL characters`)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("a rejected save left a file")
	}
	// The longest keyword and Latin-1 letters are fine.
	if err := SavePNG(path, position(8, 8), map[string]string{strings.Repeat("k", 79): "", "Légende": "x"}); err != nil {
		t.Fatal(err)
	}
}

// withChunks writes a PNG of img with extra chunks (type, body) before IEND.
func withChunks(t *testing.T, extra ...any) string {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, position(4, 4)); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	iend := len(b) - 12
	out := slices.Clone(b[:iend])
	for i := 0; i < len(extra); i += 2 {
		out = appendChunk(out, extra[i].(string), extra[i+1].([]byte))
	}
	out = append(out, b[iend:]...)
	path := filepath.Join(t.TempDir(), "x.png")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func deflate(s string) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestReadPNGMetaOtherWriters(t *testing.T) {
	path := withChunks(t,
		"zTXt", append([]byte("Description\x00\x00"), deflate("na\xefve")...), // Latin-1 ï
		"iTXt", []byte("Title\x00\x00\x00fr\x00Titre\x00Château"),
		"iTXt", append([]byte("Notes\x00\x01\x00en\x00\x00"), deflate("ünïcode")...),
		"tEXt", []byte("Title\x00replaced"), // the last value of a key wins
	)
	got, err := ReadPNGMeta(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Description": "naïve", "Title": "replaced", "Notes": "ünïcode"}
	if !maps.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestReadPNGMetaCorruption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.png")
	if err := SavePNG(path, position(4, 4), map[string]string{"k": "value"}); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	at := bytes.Index(good, []byte("tEXt"))
	write := func(b []byte) string {
		p := filepath.Join(t.TempDir(), "bad.png")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	flipped := slices.Clone(good)
	flipped[at+6] ^= 0x20 // "value" -> "vAlue", CRC now wrong
	p := write(flipped)
	_, err := ReadPNGMeta(p)
	wantErr(t, err, "imgio: "+p+": tEXt chunk at byte 33 is corrupted (CRC mismatch)")

	p = write(good[:len(good)-20])
	_, err = ReadPNGMeta(p)
	if err == nil || !strings.Contains(err.Error(), "past the end of the file") {
		t.Fatalf("truncated: %v", err)
	}
	p = write(good[:len(good)-12]) // no IEND
	_, err = ReadPNGMeta(p)
	if err == nil || !strings.Contains(err.Error(), "no IEND chunk") {
		t.Fatalf("no IEND: %v", err)
	}
	p = write([]byte("GIF89a"))
	_, err = ReadPNGMeta(p)
	wantErr(t, err, "imgio: "+p+": not a PNG file")

	badZlib := deflate("hello")
	badZlib[len(badZlib)-1] ^= 1 // checksum
	for _, c := range []struct {
		typ  string
		body []byte
		want string
	}{
		{"zTXt", append([]byte("k\x00\x00"), badZlib...), "zlib: invalid checksum"},
		{"zTXt", []byte("k\x00\x07xx"), "unknown compression method"},
		{"iTXt", []byte("k\x00\x02\x00\x00\x00x"), "unknown compression method"},
		{"iTXt", []byte("k\x00\x00\x00en"), "truncated"},
		{"tEXt", []byte("\x00value"), "no keyword"},
	} {
		p := withChunks(t, c.typ, c.body)
		_, err := ReadPNGMeta(p)
		if err == nil || !strings.HasPrefix(err.Error(), "imgio: "+p+": "+c.typ+" chunk at byte ") || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("%s %q: %v, want ...%s", c.typ, c.body, err, c.want)
		}
	}
}

func TestReadPNGMetaBoundsInflation(t *testing.T) {
	defer func(old int) { MaxMeta = old }(MaxMeta)
	MaxMeta = 1000
	ok := withChunks(t, "zTXt", append([]byte("fits\x00\x00"), deflate(strings.Repeat("a", 1000))...))
	if got, err := ReadPNGMeta(ok); err != nil || len(got["fits"]) != 1000 {
		t.Fatalf("a value at the limit: %v", err)
	}
	p := withChunks(t, "iTXt", append([]byte("bomb\x00\x01\x00\x00\x00"), deflate(strings.Repeat("a", 1001))...))
	_, err := ReadPNGMeta(p)
	if err == nil || !strings.Contains(err.Error(), "the text inflates past 1000 bytes") {
		t.Fatalf("got %v", err)
	}
}
