package widgets

import (
	"image"
	"slices"
	"testing"

	"tessera/engine/pipeline"
	"tessera/engine/tokens"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestExportResultSuggestsModelSeedAndSize(t *testing.T) {
	env, ctrl := uitest.Env(t)
	r := pipeline.Result{
		Image:  image.NewNRGBA(image.Rect(0, 0, 64, 48)),
		Grid:   tokens.Grid{W: 16, H: 12, Codes: make([]int, 16*12)},
		Params: map[string]any{"model": "/runs/2021-01-01T00-00-00_imagenet_vqgan/checkpoints/last.ckpt", "seed": 42},
	}
	view.Sync(func() { ExportResult(env, NewStatusLine(), r) }) // the recorder answers "": cancelled
	if want := []string{"2021-01-01T00-00-00_imagenet_vqgan-seed42-64x48.png"}; !slices.Equal(ctrl.Names, want) {
		t.Errorf("suggested %v, want %v", ctrl.Names, want)
	}
}
