package imgio

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"tessera/engine/tokens"
)

func TestGridSurvivesPNG(t *testing.T) {
	for _, size := range []int{4, 64} { // small: tEXt; large: compressed iTXt
		g := tokens.New(size, size)
		for i := range g.Codes {
			g.Codes[i] = (i * 7919) % 16384
		}
		params := map[string]any{"model": "imagenet-f16", "seed": int64(-8070450532247928832), "top_k": 100, "temperature": 0.9}
		path := filepath.Join(t.TempDir(), "out.png")
		if err := SaveWithGrid(path, position(size*4, size*4), g, params); err != nil {
			t.Fatal(err)
		}
		back, got, err := GridFromPNG(path)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Equal(g) {
			t.Fatalf("%dx%d grid changed", size, size)
		}
		if got["seed"] != json.Number("-8070450532247928832") || got["model"] != "imagenet-f16" || got["temperature"] != json.Number("0.9") {
			t.Fatalf("params %v", got)
		}
		meta, err := ReadPNGMeta(path)
		if err != nil || meta["Software"] != "Tessera" {
			t.Fatalf("meta %v, %v", meta, err)
		}
	}
}

func TestGridFromPNGErrors(t *testing.T) {
	plain := filepath.Join(t.TempDir(), "x.png")
	if err := SavePNG(plain, position(8, 8), map[string]string{"Title": "t"}); err != nil {
		t.Fatal(err)
	}
	_, _, err := GridFromPNG(plain)
	wantErr(t, err, "imgio: "+plain+": no token grid in this PNG (it was not written by Tessera)")

	bad := filepath.Join(t.TempDir(), "bad.png")
	err = SavePNG(bad, position(8, 8), map[string]string{MetaKey: `{"width":4,"height":4,"codes":[0,0,0,0,0,0,0,0,0,0,0,0]}`})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = GridFromPNG(bad)
	wantErr(t, err, "imgio: "+bad+": tokens: 12 codes for a 4x4 grid")

	out := filepath.Join(t.TempDir(), "out.png")
	err = SaveWithGrid(out, position(8, 8), tokens.Grid{W: 2, H: 2}, nil)
	wantErr(t, err, "imgio: "+out+": tokens: 0 codes for a 2x2 grid")
}
