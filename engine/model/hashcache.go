package model

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"time"

	"tessera/engine/atomicfile"
	"tessera/engine/infile"
)

// maxHashEntries bounds the cache file; the least recently used entries go.
const maxHashEntries = 64

// maxHashCacheFile is what a cache file may hold when read: far more than
// maxHashEntries need, so a damaged file is dropped, not read without end.
const maxHashCacheFile = 1 << 20

// HashCache remembers the SHA-256 of weights files by path, size and
// modification time, so that the studio's model card does not read a
// whole multi-gigabyte file each time a model is opened. A file whose size
// or modification time has changed is hashed again.
type HashCache struct {
	file string // where entries persist; "" keeps them in memory only

	mu      sync.Mutex
	loaded  bool
	entries map[string]hashEntry // by absolute path
}

type hashEntry struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"`
	SHA256  string `json:"sha256"`
	Used    int64  `json:"used_ns"` // when last asked for, to drop the oldest
}

// NewHashCache makes a cache kept in file (JSON); with file "" it lives
// in memory only. A missing or unreadable file is an empty cache: the
// cache only ever saves time.
func NewHashCache(file string) *HashCache {
	return &HashCache{file: file, entries: map[string]hashEntry{}}
}

// DefaultHashCache is the cache the studio uses: tessera/sha256.json in
// the user's cache directory, or memory only when there is none.
var DefaultHashCache = sync.OnceValue(func() *HashCache {
	dir, err := os.UserCacheDir()
	if err != nil {
		return NewHashCache("")
	}
	return NewHashCache(filepath.Join(dir, "tessera", "sha256.json"))
})

// SHA256 returns the hex SHA-256 of the weights file at path (or of a
// built-in model), from the cache when the file's size and modification
// time are those it was hashed with.
func (c *HashCache) SHA256(path string) (string, error) {
	if IsBuiltin(path) {
		return fileSHA256(path) // in memory already: hashing is cheap
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fileSHA256(path)
	}
	before, err := os.Stat(abs)
	if err != nil {
		return fileSHA256(path) // its error names the problem
	}
	c.mu.Lock()
	c.load()
	e, ok := c.entries[abs]
	if ok && e.Size == before.Size() && e.ModTime == before.ModTime().UnixNano() {
		e.Used = time.Now().UnixNano()
		c.entries[abs] = e
		c.mu.Unlock()
		return e.SHA256, nil
	}
	c.mu.Unlock()

	sum, err := fileSHA256(abs)
	if err != nil {
		return "", err
	}
	// A file rewritten while it was read has no one hash to remember.
	if after, err := os.Stat(abs); err != nil || after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
		return sum, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[abs] = hashEntry{Size: before.Size(), ModTime: before.ModTime().UnixNano(), SHA256: sum, Used: time.Now().UnixNano()}
	c.dropOldest()
	c.save()
	return sum, nil
}

// load reads the cache file once; c.mu is held.
func (c *HashCache) load() {
	if c.loaded || c.file == "" {
		return
	}
	c.loaded = true
	data, err := infile.ReadFile(c.file, maxHashCacheFile, "hash cache")
	if err != nil {
		return
	}
	var entries map[string]hashEntry
	if json.Unmarshal(data, &entries) == nil {
		for k, e := range entries {
			c.entries[k] = e
		}
	}
}

// save writes the cache file; a failure only costs a later hash. c.mu is held.
func (c *HashCache) save() {
	if c.file == "" {
		return
	}
	data, err := json.Marshal(c.entries)
	if err != nil || os.MkdirAll(filepath.Dir(c.file), 0o755) != nil {
		return
	}
	_ = atomicfile.WriteBytes(c.file, data)
}

// dropOldest keeps the maxHashEntries most recently used entries; c.mu is held.
func (c *HashCache) dropOldest() {
	for len(c.entries) > maxHashEntries {
		oldest := ""
		for k, e := range c.entries {
			if oldest == "" || e.Used < c.entries[oldest].Used {
				oldest = k
			}
		}
		delete(c.entries, oldest)
	}
}
