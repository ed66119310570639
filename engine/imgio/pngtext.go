package imgio

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"tessera/engine/atomicfile"
	"tessera/engine/infile"
	"tessera/engine/tokens"
)

const pngSignature = "\x89PNG\r\n\x1a\n"

// compressOver is the longest value stored uncompressed; token grids of
// large images are tens of kilobytes of JSON and compress well.
const compressOver = 1024

// MaxMeta bounds the text a PNG's metadata may hold, all its text chunks
// together (inflated), read or written: the grid of the largest image
// Tessera encodes fits (tokens.MaxJSON), and a crafted file of many large
// chunks is refused instead of filling memory. A variable only so tests
// can lower it.
var MaxMeta = tokens.MaxJSON

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
	total := 0
	for k := range meta {
		keys = append(keys, k)
		total += len(meta[k])
	}
	slices.Sort(keys)
	// What the reader would refuse is not written.
	if total > MaxMeta {
		big := keys[0]
		for _, k := range keys {
			if len(meta[k]) > len(meta[big]) {
				big = k
			}
		}
		return nil, fmt.Errorf("the metadata is %s (%q alone %s), more than the %s a PNG's metadata may hold",
			infile.FormatSize(int64(total)), big, infile.FormatSize(int64(len(meta[big]))), infile.FormatSize(int64(MaxMeta)))
	}
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
// other chunks are not checked. Only the text chunks are read: the image
// data is skipped. The text may hold MaxMeta bytes in all.
func ReadPNGMeta(path string) (map[string]string, error) {
	f, fi, err := infile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("imgio: %v", err)
	}
	defer f.Close()
	meta, err := readMeta(f, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("imgio: %s: %v", path, err)
	}
	return meta, nil
}

// readMeta reads the text chunks of a PNG stream of size bytes.
func readMeta(r io.Reader, size int64) (map[string]string, error) {
	br := bufio.NewReader(r)
	sig := make([]byte, len(pngSignature))
	if _, err := io.ReadFull(br, sig); err != nil || string(sig) != pngSignature {
		return nil, errors.New("not a PNG file")
	}
	meta := map[string]string{}
	left := MaxMeta // text bytes still allowed
	var head [8]byte
	for off := int64(len(pngSignature)); ; {
		if size-off < 12 {
			return nil, fmt.Errorf("truncated at byte %d (no IEND chunk)", off)
		}
		if _, err := io.ReadFull(br, head[:]); err != nil {
			return nil, fmt.Errorf("chunk at byte %d: %v", off, err)
		}
		n := int64(binary.BigEndian.Uint32(head[:4]))
		if n > size-off-12 {
			return nil, fmt.Errorf("chunk at byte %d claims %d bytes, past the end of the file", off, n)
		}
		typ := string(head[4:])
		if typ != "tEXt" && typ != "zTXt" && typ != "iTXt" {
			if typ == "IEND" {
				return meta, nil
			}
			if _, err := br.Discard(int(n) + 4); err != nil {
				return nil, fmt.Errorf("chunk at byte %d: %v", off, err)
			}
			off += 12 + n
			continue
		}
		// A value replacing one of the same key frees that one's share.
		// The raw chunk may exceed the text by its keyword, tags and
		// zlib's overhead.
		allow := left
		if c, err := br.Peek(min(int(n), 80)); err == nil {
			if kw, _, ok := bytes.Cut(c, []byte{0}); ok {
				allow += len(meta[fromLatin1(kw)])
			}
		}
		if n > int64(allow)+int64(allow/64)+4096 {
			return nil, metaTooLarge(typ, off)
		}
		data := make([]byte, n+4)
		if _, err := io.ReadFull(br, data); err != nil {
			return nil, fmt.Errorf("%s chunk at byte %d: %v", typ, off, err)
		}
		c := chunk{typ: typ, data: data[:n], crc: binary.BigEndian.Uint32(data[n:]), at: int(off)}
		if c.crc != crcOf(c.typ, c.data) {
			return nil, fmt.Errorf("%s chunk at byte %d is corrupted (CRC mismatch)", c.typ, c.at)
		}
		k, v, err := parseText(c, allow)
		if err != nil {
			return nil, fmt.Errorf("%s chunk at byte %d: %v", c.typ, c.at, err)
		}
		left += len(meta[k]) // replaced: only the last value is kept
		if len(v) > left {
			return nil, metaTooLarge(typ, off)
		}
		left -= len(v)
		meta[k] = v
		off += 12 + n
	}
}

func metaTooLarge(typ string, off int64) error {
	return fmt.Errorf("%s chunk at byte %d: the text chunks hold more than the %s of metadata Tessera reads", typ, off, infile.FormatSize(int64(MaxMeta)))
}

// parseText reads a text chunk; an inflated value may have at most limit
// bytes.
func parseText(c chunk, limit int) (key, val string, err error) {
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
		t, err := inflate(rest[1:], limit)
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
		rest, err = inflate(rest, limit)
	}
	return key, string(rest), err
}

func inflate(b []byte, limit int) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(out) > limit {
		if limit < MaxMeta {
			return nil, fmt.Errorf("the text inflates past %d bytes, what is left of the %s of metadata Tessera reads after the chunks before it", limit, infile.FormatSize(int64(MaxMeta)))
		}
		return nil, fmt.Errorf("the text inflates past %d bytes, the %s of metadata Tessera reads", limit, infile.FormatSize(int64(MaxMeta)))
	}
	return out, nil
}
