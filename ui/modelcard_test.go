package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
	"testing"
)

// The card of every tiny model, as `tessera inspect` describes it.
func TestModelCardRows(t *testing.T) {
	for name, want := range map[string]map[string]string{
		"vqgan": {
			"kind":         "vqgan",
			"codebook":     "64 entries of dimension 16",
			"downsampling": "4x (one token per 4x4 pixels)",
		},
		"cin_transformer": {
			"kind":         "net2net",
			"conditioning": "class (10 classes)",
			"codebook":     "64 entries of dimension 16",
		},
		"seg_transformer": {
			"kind":         "net2net",
			"conditioning": "spatial (segmentation, 5 labels)",
			"native grid":  "4x4 tokens (16x16 pixels)",
			"window":       "4x4 tokens (larger grids use a sliding window)",
			"parameters":   "1.6 M in all: encoder 305.8 k, codebook 1.0 k, decoder 489.3 k, cond_stage 736.5 k, transformer 30.6 k",
			"source":       uitest.Tiny("seg_transformer", "checkpoints", "last.ckpt") + " (torch-zip)",
			"config":       uitest.Tiny("seg_transformer", "configs", "model.yaml"),
		},
	} {
		t.Run(name, func(t *testing.T) {
			v, _, _ := newTestWindow(t)
			loadModel(t, v, name)
			_, card := v.env.Session.Model()
			got := map[string]string{}
			for _, r := range card.Rows() {
				got[r.Key] = r.Value
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%s: %q, want %q", k, got[k], w)
				}
			}
			data, err := os.ReadFile(card.Source)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if got["sha256"] != hex.EncodeToString(sum[:]) {
				t.Errorf("sha256 %q, want the file's %x", got["sha256"], sum)
			}
		})
	}
}

func TestClickingTheModelInTheStatusBarShowsItsCard(t *testing.T) {
	v, _, w := newTestWindow(t)
	uitest.Tap(v.status.model) // no model: nothing to show
	if top := uitest.TopOverlay(w); top != nil {
		t.Fatal("a card was shown without a model")
	}
	loadModel(t, v, "cin_transformer")
	uitest.Tap(v.status.model)
	if uitest.TopOverlay(w) == nil || !uitest.ShowsText(w, "class (10 classes)") || !uitest.ShowsText(w, "Model Card") {
		t.Errorf("the card is not shown; texts %v", uitest.Texts(w))
	}
	uitest.TapButton(t, w, "Close")
	if uitest.TopOverlay(w) != nil {
		t.Error("the card stays after Close")
	}
	// The Model menu shows it too.
	view.Sync(menuItems(w, "Model")[cardText].Action)
	if !uitest.ShowsText(w, "class (10 classes)") {
		t.Errorf("Model > Model Card shows %v", uitest.Texts(w))
	}
}
