//go:build unix

package model

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func mkfifo(t *testing.T, p string) string {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	return p
}

// openRefused opens a model that must be refused at once (a FIFO must not
// block), with an error holding every fragment.
func openRefused(t *testing.T, path, config string, fragments ...string) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		_, err := Open(path, config)
		errc <- err
	}()
	select {
	case err := <-errc:
		if err == nil {
			t.Fatalf("Open(%s, %s) succeeded", path, config)
		}
		for _, f := range fragments {
			if !strings.Contains(err.Error(), f) {
				t.Errorf("Open(%s, %s): %q lacks %q", path, config, err, f)
			}
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("Open(%s, %s) blocked", path, config)
	}
}

// Class 7: --model and --config that are not regular files are refused
// before they are opened; a config beyond MaxConfigBytes is refused from
// its size.
func TestSpecialFilesAsModelsAndConfigs(t *testing.T) {
	dir := copyTree(t, "vqgan")
	ckptPath := filepath.Join(dir, "checkpoints", "last.ckpt")
	cfg := filepath.Join(dir, "configs", "model.yaml")
	pipe := mkfifo(t, filepath.Join(t.TempDir(), "model.ckpt"))
	openRefused(t, pipe, cfg, "model: "+pipe+" is a FIFO (named pipe), not a regular file")
	cfgPipe := mkfifo(t, filepath.Join(t.TempDir(), "c.yaml"))
	openRefused(t, ckptPath, cfgPipe, "model: config "+cfgPipe+" is a FIFO (named pipe), not a regular file")
	openRefused(t, ckptPath, "/dev/zero", "model: config /dev/zero is a character device, not a regular file")
	openRefused(t, "/dev/zero", cfg, "model: /dev/zero is a character device, not a regular file")

	// Inside a log directory: the checkpoint and a config found there.
	logPipe := copyTree(t, "vqgan")
	os.Remove(filepath.Join(logPipe, "checkpoints", "last.ckpt"))
	p := mkfifo(t, filepath.Join(logPipe, "checkpoints", "last.ckpt"))
	openRefused(t, logPipe, "", "ckpt: "+p+" is a FIFO (named pipe), not a regular file")
	logCfg := copyTree(t, "vqgan")
	p = mkfifo(t, filepath.Join(logCfg, "configs", "zz.yaml"))
	openRefused(t, logCfg, "", "model: "+p+" is a FIFO (named pipe), not a regular file")

	big := filepath.Join(t.TempDir(), "big.yaml")
	f, _ := os.Create(big)
	f.Truncate(1 << 30) // sparse: refused from its size, never read
	f.Close()
	openRefused(t, ckptPath, big, "model: "+big+": the config is 1 GiB, more than the 16 MiB limit")
}

// Class 8: a YAML error names the line of the user's own file, also when
// the config is merged from several.
func TestYAMLErrorsNameTheUsersLines(t *testing.T) {
	dir := copyTree(t, "vqgan")
	editConfig(t, dir, "num_res_blocks: 1", "num_res_blocks: many")
	openRefused(t, dir, "", "line 15: cannot unmarshal !!str `many` into int")

	dir = copyTree(t, "vqgan")
	over := filepath.Join(dir, "configs", "zz-override.yaml")
	os.WriteFile(over, []byte("# an override\nmodel:\n  params:\n    ddconfig:\n      ch: [32]\n"), 0o644)
	openRefused(t, dir, "", "line 5 of "+over+": cannot unmarshal !!seq into int")

	// A merged value keeps its own line; the first file's lines are its own.
	os.WriteFile(over, []byte("model:\n  params:\n    ddconfig:\n      ch: 32\n"), 0o644)
	editConfig(t, dir, "resolution: 32", "resolution: high")
	openRefused(t, dir, "", "line 10 of "+filepath.Join(dir, "configs", "model.yaml")+": cannot unmarshal !!str `high` into int")
}

// The merge keeps what the map merge did: later files override key by
// key, nested mappings merge, anchors and aliases resolve.
func TestMergeYAMLNode(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yaml")
	b := filepath.Join(dir, "b.yaml")
	os.WriteFile(a, []byte("base: &b {x: 1, y: 2}\nuse: *b\nlist: [1, 2]\nkeep: 3\n"), 0o644)
	os.WriteFile(b, []byte("use: {y: 5}\nlist: [9]\nnew: 4\n"), 0o644)
	doc, err := MergeYAML(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := "map[base:map[x:1 y:2] keep:3 list:[9] new:4 use:map[x:1 y:5]]"
	if got := fmt.Sprint(doc); got != want {
		t.Errorf("merged %s, want %s", got, want)
	}
	os.WriteFile(b, []byte("- a list\n"), 0o644)
	if _, err := MergeYAML(a, b); err == nil || !strings.Contains(err.Error(), b+": not a YAML config: line 1: the top level is not a mapping") {
		t.Errorf("a list: %v", err)
	}
}
