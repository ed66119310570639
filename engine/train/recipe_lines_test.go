package train

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Class 8: a wrong value in the objective's params is reported at its line
// of the user's file, not of a re-serialised copy.
func TestRecipeErrorsNameTheUsersLines(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte(`model:
  target: taming.models.vqgan.VQModel
  params:
    lossconfig:
      target: taming.modules.losses.vqperceptual.VQLPIPSWithDiscriminator
      params:
        disc_start: 0
        disc_weight: heavy
`), 0o644)
	_, err := ReadRecipe(p)
	if err == nil || !strings.Contains(err.Error(), "line 8: cannot unmarshal !!str `heavy`") {
		t.Fatalf("err = %v", err)
	}
	over := filepath.Join(filepath.Dir(p), "d.yaml")
	os.WriteFile(p, []byte("model:\n  base_learning_rate: 1e-4\n  target: taming.models.vqgan.VQModel\n"), 0o644)
	os.WriteFile(over, []byte("model:\n  base_learning_rate: fast\n"), 0o644)
	_, err = ReadRecipe(p, over)
	if err == nil || !strings.Contains(err.Error(), "line 2 of "+over+": cannot unmarshal !!str `fast`") {
		t.Fatalf("merged: %v", err)
	}
}
