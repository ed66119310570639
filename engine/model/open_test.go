package model

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tessera/engine/internal/reftest"
	"tessera/engine/nn"
	"tessera/engine/weights"
)

func TestOpenFindsLogDirectoryParts(t *testing.T) {
	m := openFixture(t, "cin_transformer")
	if !strings.HasSuffix(m.WeightsPath, filepath.Join("checkpoints", "last.ckpt")) || len(m.ConfigPaths) != 1 {
		t.Fatalf("weights %s, configs %v", m.WeightsPath, m.ConfigPaths)
	}
	if m.Spec.Kind != KindNet2Net || m.Spec.Cond.Kind != CondClass || m.Spec.Cond.Classes != 10 {
		t.Fatalf("spec %+v cond %+v", m.Spec, m.Spec.Cond)
	}
	if m.Window() != 8 {
		t.Fatalf("window %d, want 8 (block 65 with one class token)", m.Window())
	}
	// A checkpoint path alone finds the config in ../configs.
	m2, err := Open(reftest.Path("vqgan", "checkpoints", "last.ckpt"), "")
	if err != nil {
		t.Fatal(err)
	}
	if m2.Spec.Kind != KindVQGAN || m2.FirstStage.Config.Factor() != 4 {
		t.Fatalf("spec %+v", m2.Spec)
	}
}

// copyTree copies a fixture log directory so a test can alter it.
func copyTree(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	err := filepath.WalkDir(reftest.Path(name), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(reftest.Path(name), p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func editConfig(t *testing.T, dir, old, new string) {
	t.Helper()
	p := filepath.Join(dir, "configs", "model.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("config has no %q", old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenReportsBadInput(t *testing.T) {
	cases := []struct {
		name      string
		edit      func(t *testing.T, dir string)
		wantParts []string
	}{
		{"shape mismatch", func(t *testing.T, dir string) { editConfig(t, dir, "ch: 32", "ch: 64") },
			[]string{"encoder.conv_in.weight", "[32 3 3 3]", "[64 3 3 3]"}},
		{"extra weights", func(t *testing.T, dir string) { editConfig(t, dir, "attn_resolutions: [8]", "attn_resolutions: []") },
			[]string{"weights the config does not use", "attn"}},
		{"unknown target", func(t *testing.T, dir string) {
			editConfig(t, dir, "taming.models.vqgan.VQModel", "taming.models.vqgan.Mystery")
		}, []string{"unknown target taming.models.vqgan.Mystery"}},
		{"no config", func(t *testing.T, dir string) { os.RemoveAll(filepath.Join(dir, "configs")) },
			[]string{"no config found", "--config"}},
		{"truncated checkpoint", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "checkpoints", "last.ckpt")
			data, _ := os.ReadFile(p)
			os.WriteFile(p, data[:len(data)/2], 0o644)
		}, []string{"last.ckpt"}},
		{"not a checkpoint", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "checkpoints", "last.ckpt"), []byte("hello, world\n"), 0o644)
		}, []string{"last.ckpt"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyTree(t, "vqgan")
			tc.edit(t, dir)
			_, err := Open(dir, "")
			if err == nil {
				t.Fatal("opened a broken model")
			}
			if errors.Is(err, ErrNoConfig) != (tc.name == "no config") {
				t.Errorf("errors.Is(%q, ErrNoConfig) = %v", err, errors.Is(err, ErrNoConfig))
			}
			for _, part := range tc.wantParts {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q does not mention %q", err, part)
				}
			}
		})
	}
}

func TestConvertRoundTrip(t *testing.T) {
	out := filepath.Join(t.TempDir(), "seg.safetensors")
	orig, err := Convert(reftest.Path("seg_transformer"), "", out, false)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Open(out, "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != "safetensors" || len(m.ConfigPaths) != 0 || m.Spec.Cond.Kind != CondSpatial {
		t.Fatalf("reopened as %s with configs %v and cond %+v", m.Format, m.ConfigPaths, m.Spec.Cond)
	}
	// The converted model computes exactly what the original does.
	v := reftest.Vectors(t, "seg_transformer")
	onehot, shape := reftest.Floats(t, v, "segmentation_onehot"), reftest.Shape(t, v, "segmentation_onehot")
	a, err := orig.CondStage.Encode(nn.FromSlice(onehot, shape...), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.CondStage.Encode(nn.FromSlice(onehot, shape...), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Tokens, b.Tokens) || !slices.Equal(nn.Data(a.Z), nn.Data(b.Z)) {
		t.Fatal("converted model encodes differently")
	}
	st, _ := os.Stat(out)
	ck, _ := os.Stat(reftest.Path("seg_transformer", "checkpoints", "last.ckpt"))
	if st.Size() >= ck.Size() {
		t.Fatalf("converted file (%d bytes) is not smaller than the checkpoint with optimizer states (%d)", st.Size(), ck.Size())
	}
}

func TestWindowIsBoundedByTheTrainingGrid(t *testing.T) {
	m := openFixture(t, "cin_transformer")
	spec := m.Spec
	tc := *spec.Transformer
	tc.BlockSize = 512 // room for a 22x22 window, but trained on 8x8 crops
	spec.Transformer = &tc
	big, err := Build(&spec, weights.Random{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := big.Window(); got != 8 {
		t.Fatalf("window %d, want the first stage's 32/4 = 8", got)
	}
}

func TestDepthConditioningIsNotALabelMap(t *testing.T) {
	for name, want := range map[string]string{
		"depth_transformer": "spatial (depth)",
		"seg_transformer":   "spatial (segmentation, 5 labels)",
	} {
		m := openFixture(t, name)
		card, err := m.Card()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range card.Rows() {
			if r.Key == "conditioning" && r.Value != want {
				t.Errorf("%s: conditioning %q, want %q", name, r.Value, want)
			}
		}
	}
	if m := openFixture(t, "depth_transformer"); m.Spec.Cond.Labels != 0 || m.Spec.Cond.Key != "depth" {
		t.Errorf("depth cond spec %+v", m.Spec.Cond)
	}
}
