package imgio

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"tessera/engine/atomicfile"
)

const pngSignature = "\x89PNG\r\n\x1a\n"

// compressOver is the longest value stored uncompressed; token grids of
// large images are tens of kilobytes of JSON and compress well.
const compressOver = 1024

// maxText bounds an inflated value, so a crafted chunk cannot exhaust
// memory. A variable only so tests can lower it.
var maxText = 64 << 20

type chunk struct {
	typ  string
	data []byte
	crc  uint32
	at   int // byte offset in the file, for messages
}

// chunks splits a PNG stream into its chunks, up to and including IEND.
func chunks(b []byte) ([]chunk, error) {
	if !bytes.HasPrefix(b, []byte(pngSignature)) {
		return nil, errors.New("not a PNG file")
	}
	var out []chunk
	for off := len(pngSignature); ; {
		if len(b)-off < 12 {
			return nil, fmt.Errorf("truncated at byte %d (no IEND chunk)", off)
		}
		n := binary.BigEndian.Uint32(b[off:])
		if uint64(n) > uint64(len(b)-off-12) {
			return nil, fmt.Errorf("chunk at byte %d claims %d bytes, past the end of the file", off, n)
		}
		end := off + 8 + int(n)
		c := chunk{typ: string(b[off+4 : off+8]), data: b[off+8 : end], crc: binary.BigEndian.Uint32(b[end:]), at: off}
		out = append(out, c)
		if c.typ == "IEND" {
			return out, nil
		}
		off = end + 4
	}
}

func crcOf(typ string, data []byte) uint32 {
	return crc32.Update(crc32.ChecksumIEEE([]byte(typ)), crc32.IEEETable, data)
}

func appendChunk(dst []byte, typ string, data []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(data)))
	dst = append(dst, typ...)
	dst = append(dst, data...)
	return binary.BigEndian.AppendUint32(dst, crcOf(typ, data))
}

// SavePNG writes img as a PNG carrying meta as text chunks placed before the
// image data (where readers that stop early still find them): tEXt for short
// Latin-1 values, iTXt otherwise, zlib-compressed beyond 1 KiB. The file is
// written to a temporary name and renamed into place.
func SavePNG(path string, img image.Image, meta map[string]string) error {
	data, err := encodePNG(img, meta)
	if err != nil {
		return fmt.Errorf("imgio: %s: %v", path, err)
	}
	if err := atomicfile.WriteBytes(path, data); err != nil {
		return fmt.Errorf("imgio: %s: write: %v", path, err)
	}
	return nil
}

func encodePNG(img image.Image, meta map[string]string) ([]byte, error) {
	var text []byte
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		typ, data, err := textChunk(k, meta[k])
		if err != nil {
			return nil, err
		}
		text = appendChunk(text, typ, data)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	enc := buf.Bytes()
	cs, err := chunks(enc)
	if err != nil {
		return nil, fmt.Errorf("encoder output: %v", err)
	}
	for _, c := range cs {
		if c.typ == "IDAT" {
			return slices.Concat(enc[:c.at], text, enc[c.at:]), nil
		}
	}
	return nil, errors.New("encoder output has no IDAT chunk")
}

// textChunk returns the chunk type and body storing key=val.
func textChunk(key, val string) (string, []byte, error) {
	kw, ok := latin1(key)
	if !ok || !keyword(kw) {
		return "", nil, fmt.Errorf("metadata key %q is not a PNG keyword (1-79 printable Latin-1 characters, no leading, trailing or double spaces)", key)
	}
	if strings.IndexByte(val, 0) >= 0 || !utf8.ValidString(val) {
		return "", nil, fmt.Errorf("metadata %q: the value must be UTF-8 text without NUL characters", key)
	}
	body := append(kw, 0)
	if l1, ok := latin1(val); ok && len(val) <= compressOver {
		return "tEXt", append(body, l1...), nil
	}
	if len(val) <= compressOver {
		// Flag, method, then empty language tag and translated keyword.
		return "iTXt", append(append(body, 0, 0, 0, 0), val...), nil
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(val)) // writes to a bytes.Buffer cannot fail
	zw.Close()
	return "iTXt", append(append(body, 1, 0, 0, 0), z.Bytes()...), nil
}

// latin1 encodes s as ISO 8859-1, reporting whether it fits.
func latin1(s string) ([]byte, bool) {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return nil, false
		}
		b = append(b, byte(r))
	}
	return b, true
}

func fromLatin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// keyword applies the PNG rules for a chunk keyword.
func keyword(k []byte) bool {
	if len(k) < 1 || len(k) > 79 || k[0] == ' ' || k[len(k)-1] == ' ' || bytes.Contains(k, []byte("  ")) {
		return false
	}
	for _, c := range k {
		if c < 32 || (c > 126 && c < 161) {
			return false
		}
	}
	return true
}

// ReadPNGMeta returns the text chunks (tEXt, zTXt, iTXt) of a PNG file. A
// key that occurs twice keeps its last value. A text chunk whose CRC does
// not match is an error rather than metadata silently dropped or trusted;
// other chunks are not checked.
func ReadPNGMeta(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("imgio: %v", err)
	}
	meta, err := readMeta(b)
	if err != nil {
		return nil, fmt.Errorf("imgio: %s: %v", path, err)
	}
	return meta, nil
}

func readMeta(b []byte) (map[string]string, error) {
	cs, err := chunks(b)
	if err != nil {
		return nil, err
	}
	meta := map[string]string{}
	for _, c := range cs {
		if c.typ != "tEXt" && c.typ != "zTXt" && c.typ != "iTXt" {
			continue
		}
		if c.crc != crcOf(c.typ, c.data) {
			return nil, fmt.Errorf("%s chunk at byte %d is corrupted (CRC mismatch)", c.typ, c.at)
		}
		k, v, err := parseText(c)
		if err != nil {
			return nil, fmt.Errorf("%s chunk at byte %d: %v", c.typ, c.at, err)
		}
		meta[k] = v
	}
	return meta, nil
}

func parseText(c chunk) (key, val string, err error) {
	kw, rest, ok := bytes.Cut(c.data, []byte{0})
	if !ok || len(kw) == 0 {
		return "", "", errors.New("no keyword")
	}
	key = fromLatin1(kw)
	switch c.typ {
	case "tEXt":
		return key, fromLatin1(rest), nil
	case "zTXt":
		if len(rest) == 0 || rest[0] != 0 {
			return "", "", errors.New("unknown compression method")
		}
		t, err := inflate(rest[1:])
		return key, fromLatin1(t), err
	}
	if len(rest) < 2 {
		return "", "", errors.New("truncated")
	}
	compressed, method := rest[0], rest[1]
	_, rest, ok = bytes.Cut(rest[2:], []byte{0}) // language tag
	if ok {
		_, rest, ok = bytes.Cut(rest, []byte{0}) // translated keyword
	}
	switch {
	case !ok:
		return "", "", errors.New("truncated")
	case compressed > 1 || (compressed == 1 && method != 0):
		return "", "", errors.New("unknown compression method")
	case compressed == 1:
		rest, err = inflate(rest)
	}
	return key, string(rest), err
}

func inflate(b []byte) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(maxText)+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxText {
		return nil, fmt.Errorf("the text inflates past %d bytes", maxText)
	}
	return out, nil
}
