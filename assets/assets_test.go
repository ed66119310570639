package assets

import (
	"bytes"
	"image/png"
	"testing"
)

func TestIconIsASquarePNG(t *testing.T) {
	cfg, err := png.DecodeConfig(bytes.NewReader(Icon))
	if err != nil {
		t.Fatalf("icon: %v", err)
	}
	if cfg.Width != cfg.Height || cfg.Width < 256 {
		t.Errorf("icon is %dx%d, want a square of at least 256", cfg.Width, cfg.Height)
	}
}
