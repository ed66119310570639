package model

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tessera/engine/ckpt"
)

// rewrite replaces path's bytes and sets its modification time to mtime.
func rewrite(t *testing.T, path, content string, mtime time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

func cachedHash(t *testing.T, c *HashCache, path string) string {
	t.Helper()
	sum, err := c.SHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func sha(t *testing.T, path string) string {
	t.Helper()
	sum, err := ckpt.SHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// The cache answers with the hash of the file as it was when its size and
// modification time were last seen, so a file changed behind its back
// with both kept shows that the answer came from the cache, and a change
// of either is hashed again. A second cache on the same file remembers.
func TestHashCacheKeysOnPathSizeAndTime(t *testing.T) {
	dir := t.TempDir()
	path, store := filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "cache", "sha256.json")
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rewrite(t, path, "aaaa", t0)
	first := sha(t, path)

	c := NewHashCache(store)
	if got := cachedHash(t, c, path); got != first {
		t.Fatalf("hash %s, want %s", got, first)
	}
	rewrite(t, path, "bbbb", t0) // same size, same time
	if got := cachedHash(t, c, path); got != first {
		t.Fatalf("hashed again (%s) though size and time are unchanged", got)
	}
	if got := cachedHash(t, NewHashCache(store), path); got != first {
		t.Fatalf("a new cache on %s hashed again (%s)", store, got)
	}

	rewrite(t, path, "bbbb", t0.Add(time.Second)) // time changed
	if got, want := cachedHash(t, c, path), sha(t, path); got != want || got == first {
		t.Fatalf("after a new modification time: %s, want %s", got, want)
	}
	rewrite(t, path, "ccccc", t0.Add(time.Second)) // size changed
	if got, want := cachedHash(t, c, path), sha(t, path); got != want {
		t.Fatalf("after a new size: %s, want %s", got, want)
	}
	if _, err := c.SHA256(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("no error for a missing file")
	}
}

// A damaged cache file is an empty cache, and the file keeps only the
// most recently used maxHashEntries entries.
func TestHashCacheSurvivesDamageAndStaysSmall(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "sha256.json")
	if err := os.WriteFile(store, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := NewHashCache(store)
	var paths []string
	for i := range maxHashEntries + 3 {
		p := filepath.Join(dir, fmt.Sprint(i))
		rewrite(t, p, fmt.Sprint(i), time.Now())
		if got, want := cachedHash(t, c, p), sha(t, p); got != want {
			t.Fatalf("%s: %s, want %s", p, got, want)
		}
		paths = append(paths, p)
	}
	back := NewHashCache(store)
	back.mu.Lock()
	back.load()
	n := len(back.entries)
	_, firstKept := back.entries[paths[0]]
	_, lastKept := back.entries[paths[len(paths)-1]]
	back.mu.Unlock()
	if n != maxHashEntries || firstKept || !lastKept {
		t.Fatalf("%d entries kept (want %d), oldest kept %v, newest kept %v", n, maxHashEntries, firstKept, lastKept)
	}
}

// The studio's card takes its hash from the cache; inspect's hashes the file.
func TestCardCachedMatchesCard(t *testing.T) {
	m := openFixture(t, "vqgan")
	want, err := m.Card()
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.CardCached(NewHashCache(""))
	if err != nil || got.SHA256 != want.SHA256 || got.SHA256 == "" {
		t.Fatalf("cached card hash %q (%v), want %q", got.SHA256, err, want.SHA256)
	}
}
