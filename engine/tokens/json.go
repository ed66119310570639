package tokens

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"tessera/engine/atomicfile"
	"tessera/engine/infile"
)

// MaxJSON bounds a grid's JSON, read or written: a 4096x4096 grid of
// five-digit codes fits. A PNG's grid chunk has the same limit.
const MaxJSON = 128 << 20

// maxJSON is MaxJSON, lowered by tests.
var maxJSON = MaxJSON

// The grid's own JSON fields; every other top-level field is a parameter.
var reserved = []string{"width", "height", "codes"}

// Marshal encodes g as {"width": W, "height": H, "codes": [...]} followed by
// params as further top-level fields in key order. Codes are written one
// grid row per line so files stay readable and diff well.
func Marshal(g Grid, params map[string]any) ([]byte, error) {
	data, err := encode(g, params)
	if err != nil {
		return nil, fmt.Errorf("tokens: %v", err)
	}
	return data, nil
}

func encode(g Grid, params map[string]any) ([]byte, error) {
	if err := checkSize(g.W, g.H); err != nil {
		return nil, err
	}
	if err := checkCodes(g.W, g.H, g.Codes, 0); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n  \"width\": %d,\n  \"height\": %d,\n  \"codes\": [", g.W, g.H)
	for i, c := range g.Codes {
		switch {
		case i%g.W == 0:
			b.WriteString("\n    ")
		default:
			b.WriteString(" ")
		}
		b.WriteString(strconv.Itoa(c))
		if i < len(g.Codes)-1 {
			b.WriteByte(',')
		}
	}
	b.WriteString("\n  ]")
	paramsAt := b.Len()
	keys := make([]string, 0, len(params))
	for k := range params {
		if slices.Contains(reserved, k) {
			return nil, fmt.Errorf("parameter %q clashes with the grid's own field", k)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		name, _ := json.Marshal(k) // a string always marshals
		val, err := json.Marshal(params[k])
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %v", k, err)
		}
		fmt.Fprintf(&b, ",\n  %s: %s", name, val)
	}
	b.WriteString("\n}\n")
	if b.Len() > maxJSON {
		return nil, fmt.Errorf("the grid's JSON would be %s, more than the %s a grid file may hold (the parameters are %s of it)",
			infile.FormatSize(int64(b.Len())), infile.FormatSize(int64(maxJSON)), infile.FormatSize(int64(b.Len()-paramsAt)))
	}
	return b.Bytes(), nil
}

// Unmarshal decodes what Marshal writes. Parameters come back as decoded by
// encoding/json except that numbers are json.Number, so 64-bit seeds survive
// exactly; params is nil when there are none.
func Unmarshal(data []byte) (Grid, map[string]any, error) {
	g, params, err := decode(data)
	if err != nil {
		return Grid{}, nil, fmt.Errorf("tokens: %v", err)
	}
	return g, params, nil
}

func decode(data []byte) (Grid, map[string]any, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return Grid{}, nil, fmt.Errorf("not a JSON object: %v", err)
	}
	for _, k := range reserved {
		if _, ok := fields[k]; !ok {
			return Grid{}, nil, fmt.Errorf("missing %q", k)
		}
	}
	var g Grid
	if err := json.Unmarshal(fields["width"], &g.W); err != nil {
		return Grid{}, nil, fmt.Errorf("width must be an integer, got %s", fields["width"])
	}
	if err := json.Unmarshal(fields["height"], &g.H); err != nil {
		return Grid{}, nil, fmt.Errorf("height must be an integer, got %s", fields["height"])
	}
	if err := checkSize(g.W, g.H); err != nil {
		return Grid{}, nil, err
	}
	codes, err := decodeCodes(fields["codes"])
	if err != nil {
		return Grid{}, nil, err
	}
	g.Codes = codes
	if err := checkCodes(g.W, g.H, g.Codes, 0); err != nil {
		return Grid{}, nil, err
	}
	var params map[string]any
	for k, raw := range fields {
		if slices.Contains(reserved, k) {
			continue
		}
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			return Grid{}, nil, fmt.Errorf("parameter %q: %v", k, err)
		}
		if params == nil {
			params = map[string]any{}
		}
		params[k] = v
	}
	return g, params, nil
}

// jsonCode is one entry of "codes": an integer, and never null, which
// encoding/json would otherwise leave as 0, a valid code.
type jsonCode int

func (c *jsonCode) UnmarshalJSON(b []byte) error {
	n, err := strconv.Atoi(string(b))
	if err != nil {
		return errBadCode
	}
	*c = jsonCode(n)
	return nil
}

var errBadCode = errors.New("not an integer")

// decodeCodes reads the "codes" list; a bad entry is named with its index.
func decodeCodes(raw json.RawMessage) ([]int, error) {
	var codes []jsonCode
	err := json.Unmarshal(raw, &codes)
	if err == nil && codes == nil {
		err = errors.New("null")
	}
	if err != nil {
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) == nil {
			for i, it := range items {
				var c jsonCode
				if c.UnmarshalJSON(it) != nil {
					return nil, fmt.Errorf("codes must be a list of integers: codes[%d] is %s", i, clip(it))
				}
			}
		}
		return nil, fmt.Errorf("codes must be a list of integers, got %s", clip(raw))
	}
	out := make([]int, len(codes))
	for i, c := range codes {
		out[i] = int(c)
	}
	return out, nil
}

// clip shortens JSON for an error message.
func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:37]) + "..."
	}
	return string(b)
}

// Read loads a grid file written by Write: a regular file of at most
// MaxJSON bytes.
func Read(path string) (Grid, map[string]any, error) {
	data, err := infile.ReadFile(path, int64(maxJSON), "token grid")
	if err != nil {
		return Grid{}, nil, fmt.Errorf("tokens: %v", err)
	}
	g, params, err := decode(data)
	if err != nil {
		return Grid{}, nil, fmt.Errorf("tokens: %s: %v", path, err)
	}
	return g, params, nil
}

// Write stores g and params as JSON at path. It writes a temporary file and
// renames it, so a crash never leaves a half-written grid behind.
func Write(path string, g Grid, params map[string]any) error {
	data, err := encode(g, params)
	if err != nil {
		return fmt.Errorf("tokens: %s: %v", path, err)
	}
	err = atomicfile.WriteBytes(path, data)
	if err != nil {
		return fmt.Errorf("tokens: %s: write: %v", path, err)
	}
	return nil
}
