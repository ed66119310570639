package ckpt

// Go stand-ins for the Python objects a checkpoint pickle builds. Scalars are
// nil (None), bool, int64, *big.Int, float64, string and []byte.

// pyTuple is an immutable Python tuple.
type pyTuple []any

// pyList is a Python list; a pointer so that APPEND after a memo PUT is seen
// by every reference, as in Python.
type pyList struct{ items []any }

// pyDict is an insertion-ordered Python dict (dict and OrderedDict alike).
// Keys of any type are kept; only string keys can be looked up, which is all
// a checkpoint reader needs.
type pyDict struct {
	keys  []any
	vals  []any
	index map[string]int // string key -> position, so re-setting a key replaces it
}

func newDict() *pyDict { return &pyDict{index: map[string]int{}} }

func (d *pyDict) set(k, v any) {
	if s, ok := k.(string); ok {
		if i, ok := d.index[s]; ok {
			d.vals[i] = v
			return
		}
		d.index[s] = len(d.keys)
	}
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

func (d *pyDict) get(k string) (any, bool) {
	i, ok := d.index[k]
	if !ok {
		return nil, false
	}
	return d.vals[i], true
}

// pyObject is a class or function named by GLOBAL, or the opaque result of
// calling one we do not model. It is a pointer, so it is hashable and can be
// a dict key (Lightning keys its callbacks dict by class objects).
type pyObject struct{ name string }
