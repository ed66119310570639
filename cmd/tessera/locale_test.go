package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Under Debian's default LANG=C.UTF-8 the binary starts without Fyne's
// locale errors: the test binary links the same packages, so starting it
// with no test to run shows what every command prints before it runs.
func TestStartsQuietlyUnderTheCLocale(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	env := []string{"LANG=C.UTF-8"}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name != "LANG" && name != "LANGUAGE" && name != "LC_ALL" && name != "LC_MESSAGES" {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if strings.Contains(string(out), "Fyne error") {
		t.Errorf("the binary printed Fyne's locale error under LANG=C.UTF-8:\n%s", out)
	}
}
