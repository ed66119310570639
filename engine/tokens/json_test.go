package tokens

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMarshalRoundTrip(t *testing.T) {
	g := seq(3, 2)
	params := map[string]any{
		"model": "imagenet-f16",
		"seed":  int64(9007199254740993), // 2^53+1: lost if read as float64
		"top_k": 100,
		"cond":  map[string]any{"class": 7},
	}
	data, err := Marshal(g, params)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(data) {
		t.Fatalf("invalid JSON:\n%s", data)
	}
	if !strings.Contains(string(data), "\n    0, 1, 2,\n    3, 4, 5\n  ]") {
		t.Fatalf("codes are not one row per line:\n%s", data)
	}
	back, got, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Equal(g) {
		t.Fatalf("grid %+v, want %+v", back, g)
	}
	if got["model"] != "imagenet-f16" || got["seed"] != json.Number("9007199254740993") || got["top_k"] != json.Number("100") {
		t.Fatalf("params came back as %#v", got)
	}
	if cond, ok := got["cond"].(map[string]any); !ok || cond["class"] != json.Number("7") {
		t.Fatalf("nested parameter came back as %#v", got["cond"])
	}
	// What comes back marshals to the same bytes.
	again, err := Marshal(back, got)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(data) {
		t.Fatalf("second round differs:\n%s\nvs\n%s", again, data)
	}
}

func TestUnmarshalPlainFile(t *testing.T) {
	g, params, err := Unmarshal([]byte(`{"codes":[1,2,3,4],"height":1,"width":4}`))
	if err != nil {
		t.Fatal(err)
	}
	if g.W != 4 || g.H != 1 || g.At(3, 0) != 4 || params != nil {
		t.Fatalf("got %+v, params %v", g, params)
	}
}

func TestMarshalErrors(t *testing.T) {
	for _, c := range []struct {
		g      Grid
		params map[string]any
		want   string
	}{
		{seq(2, 2), map[string]any{"width": 3}, `tokens: parameter "width" clashes with the grid's own field`},
		{seq(2, 2), map[string]any{"preview": make(chan int)}, `tokens: parameter "preview": json: unsupported type: chan int`},
		{Grid{W: 2, H: 2, Codes: []int{1}}, nil, "tokens: 1 codes for a 2x2 grid"},
		{Grid{W: 1, H: 1, Codes: []int{-1}}, nil, "tokens: code -1 at (0,0) is negative"},
	} {
		_, err := Marshal(c.g, c.params)
		if err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

func TestUnmarshalErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"width":4,"height":4,"codes":[0,0,0,0,0,0,0,0,0,0,0,0]}`, "tokens: 12 codes for a 4x4 grid"},
		{`{"width":0,"height":4,"codes":[]}`, "tokens: width must be positive, got 0"},
		{`{"width":2,"height":"2","codes":[1,2,3,4]}`, `tokens: height must be an integer, got "2"`},
		{`{"width":2,"height":1}`, `tokens: missing "codes"`},
		{`{"width":2,"height":1,"codes":[1,2.5]}`, "tokens: codes must be a list of integers: codes[1] is 2.5"},
		{`{"width":2,"height":1,"codes":[null,1]}`, "tokens: codes must be a list of integers: codes[0] is null"},
		{`{"width":2,"height":1,"codes":[1,"2"]}`, `tokens: codes must be a list of integers: codes[1] is "2"`},
		{`{"width":2,"height":1,"codes":null}`, "tokens: codes must be a list of integers, got null"},
		{`{"width":2,"height":1,"codes":{"a":1}}`, `tokens: codes must be a list of integers, got {"a":1}`},
		{`{"width":2,"height":1,"codes":[1,-2]}`, "tokens: code -2 at (1,0) is negative"},
		{`[1,2]`, "tokens: not a JSON object"},
		{`{"width":1,"height":1,"codes":[0]`, "tokens: not a JSON object"},
	} {
		_, _, err := Unmarshal([]byte(c.in))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.in, err, c.want)
		}
	}
}

func TestReadWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "grid.json")
	g := seq(4, 3)
	if err := Write(path, g, map[string]any{"seed": 1}); err != nil {
		t.Fatal(err)
	}
	// Overwriting goes through a rename and leaves no temporary behind.
	g.Set(0, 0, 42)
	if err := Write(path, g, nil); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want only grid.json", len(entries))
	}
	back, params, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Equal(g) || params != nil {
		t.Fatalf("read %+v %v, want %+v and no params", back, params, g)
	}
}

func TestReadWriteErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "grid.json")
	if err := os.WriteFile(bad, []byte(`{"width":4,"height":4,"codes":[1,2,3]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Read(bad); err == nil || err.Error() != "tokens: "+bad+": 3 codes for a 4x4 grid" {
		t.Errorf("Read: %v", err)
	}
	missing := filepath.Join(dir, "none.json")
	if _, _, err := Read(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Read of a missing file: %v", err)
	}
	out := filepath.Join(dir, "out.json")
	if err := Write(out, Grid{W: 0, H: 1}, nil); err == nil || err.Error() != "tokens: "+out+": width must be positive, got 0" {
		t.Errorf("Write of an invalid grid: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a failed Write left a file behind")
	}
	nodir := filepath.Join(dir, "no", "such", "grid.json")
	if err := Write(nodir, seq(1, 1), nil); err == nil || !strings.HasPrefix(err.Error(), "tokens: "+nodir+": ") {
		t.Errorf("Write into a missing directory: %v", err)
	}
}
