package imgio

import (
	"fmt"
	"image"

	"tessera/engine/tokens"
)

// MetaKey is the PNG text key holding Tessera's token grid and parameters.
const MetaKey = "tessera"

// SaveWithGrid writes img as a PNG whose "tessera" chunk holds grid and the
// generation params, so GridFromPNG restores the exact grid.
func SaveWithGrid(path string, img image.Image, grid tokens.Grid, params map[string]any) error {
	js, err := tokens.Marshal(grid, params)
	if err != nil {
		return fmt.Errorf("imgio: %s: %w", path, err)
	}
	return SavePNG(path, img, map[string]string{MetaKey: string(js), "Software": "Tessera"})
}

// GridFromPNG reads back the grid and parameters SaveWithGrid stored.
func GridFromPNG(path string) (tokens.Grid, map[string]any, error) {
	meta, err := ReadPNGMeta(path)
	if err != nil {
		return tokens.Grid{}, nil, err
	}
	js, ok := meta[MetaKey]
	if !ok {
		return tokens.Grid{}, nil, fmt.Errorf("imgio: %s: no token grid in this PNG (it was not written by Tessera)", path)
	}
	g, params, err := tokens.Unmarshal([]byte(js))
	if err != nil {
		return tokens.Grid{}, nil, fmt.Errorf("imgio: %s: %w", path, err)
	}
	return g, params, nil
}
