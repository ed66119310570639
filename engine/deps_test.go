package engine_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The engine builds and tests without any GUI: nothing under engine/ may
// depend on Fyne or the native dialogs.
func TestEngineHasNoGUIDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "fyne.io/") || strings.HasPrefix(pkg, "github.com/sqweek/") {
			t.Errorf("the engine depends on %s", pkg)
		}
	}
}
