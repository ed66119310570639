// Package weights feeds named parameters to the model builders. A builder asks
// for each parameter by its checkpoint key and the shape its configuration
// implies; the source either checks and reads a checkpoint, or makes random
// values (for benchmarks and fresh training runs). Every mismatch is reported
// with the key and both shapes, so a config that does not fit its weights
// fails with a message a user can act on.
package weights

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Source supplies parameter values by key.
type Source interface {
	// Float32 returns the values stored under key, which must have the given shape.
	Float32(key string, shape []int) ([]float32, error)
	// Int64 returns integer values stored under key (index buffers).
	Int64(key string) ([]int64, []int, error)
	// Has reports whether key is present.
	Has(key string) bool
	// Keys lists every key the source holds, sorted.
	Keys() []string
	// Name names the source in error messages (usually a file path).
	Name() string
}

// Loader reads parameters under a key prefix and keeps the first error, so a
// builder can ask for dozens of tensors and check once at the end.
type Loader struct {
	src    Source
	prefix string
	state  *loadState
}

type loadState struct {
	err     error
	used    map[string]int // key -> number of values served
	skipped []string       // key prefixes left unread on purpose
}

// NewLoader starts loading from src with keys under prefix (e.g. "first_stage_model.").
func NewLoader(src Source, prefix string) *Loader {
	return &Loader{src: src, prefix: prefix, state: &loadState{used: map[string]int{}}}
}

// Sub returns a loader for keys under prefix+p that shares this loader's error and usage record.
func (l *Loader) Sub(p string) *Loader {
	return &Loader{src: l.src, prefix: l.prefix + p, state: l.state}
}

// Get returns the parameter key with the given shape, or nil after an error.
func (l *Loader) Get(key string, shape ...int) []float32 {
	if l.state.err != nil {
		return nil
	}
	full := l.prefix + key
	l.state.used[full] = 0
	if !l.src.Has(full) {
		l.state.err = fmt.Errorf("%s: missing weight %s (shape %v) — does the config match the checkpoint?", l.src.Name(), full, shape)
		return nil
	}
	v, err := l.src.Float32(full, shape)
	if err != nil {
		l.state.err = err
		return nil
	}
	l.state.used[full] = len(v)
	return v
}

// Has reports whether key exists under the loader's prefix.
func (l *Loader) Has(key string) bool { return l.src.Has(l.prefix + key) }

// Int64 returns an integer buffer, or nil after an error.
func (l *Loader) Int64(key string) []int64 {
	if l.state.err != nil {
		return nil
	}
	full := l.prefix + key
	l.state.used[full] = 0
	v, _, err := l.src.Int64(full)
	if err != nil {
		l.state.err = err
	}
	return v
}

// Count returns how many float parameters were read under this loader's prefix.
func (l *Loader) Count() int64 {
	var n int64
	for k, v := range l.state.used {
		if strings.HasPrefix(k, l.prefix) {
			n += int64(v)
		}
	}
	return n
}

// Err returns the first error met while loading.
func (l *Loader) Err() error { return l.state.err }

// Skip marks the keys under prefix p (below the loader's own) as left
// unread on purpose, by a builder that needs only part of a network:
// Unused passes over them.
func (l *Loader) Skip(p string) { l.state.skipped = append(l.state.skipped, l.prefix+p) }

// Unused lists the keys under the loader's prefix that nothing asked for,
// skipping any key that contains one of the ignore fragments and the keys
// under Skip's prefixes.
func (l *Loader) Unused(ignore ...string) []string {
	var out []string
	for _, k := range l.src.Keys() {
		if _, used := l.state.used[k]; used || !strings.HasPrefix(k, l.prefix) {
			continue
		}
		if slices.ContainsFunc(l.state.skipped, func(p string) bool { return strings.HasPrefix(k, p) }) {
			continue
		}
		if slices.ContainsFunc(ignore, func(s string) bool { return strings.Contains(k, s) }) {
			continue
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// CheckAllUsed turns leftover keys into an error: weights the config did not
// ask for mean the config describes a different network.
func (l *Loader) CheckAllUsed(ignore ...string) error {
	if l.state.err != nil {
		return l.state.err
	}
	left := l.Unused(ignore...)
	if len(left) == 0 {
		return nil
	}
	more := ""
	if len(left) > 3 {
		more = fmt.Sprintf(" (+%d more)", len(left)-3)
		left = left[:3]
	}
	return fmt.Errorf("%s: weights the config does not use: %s%s — does the config match the checkpoint?", l.src.Name(), strings.Join(left, ", "), more)
}

// ShapeError reports a stored shape that differs from what the config implies.
func ShapeError(src, key string, want, got []int) error {
	return fmt.Errorf("%s: weight %s has shape %v, the config expects %v", src, key, got, want)
}
