package ckpt

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
)

// maxRank is torch's limit on tensor dimensions.
const maxRank = 64

// torchPickle gives a torch checkpoint pickle its meaning: the GLOBALs torch
// uses to rebuild tensors, and persistent ids that name storages. Anything
// else becomes an opaque placeholder, so Lightning extras are skipped.
type torchPickle struct {
	file     string
	legacy   bool
	storages map[string]*storage // root storages by key; tensors sharing a key are views of one storage
	views    map[string]*storage // legacy view storages by view key
}

func newTorchPickle(file string, legacy bool) *torchPickle {
	return &torchPickle{file: file, legacy: legacy, storages: map[string]*storage{}, views: map[string]*storage{}}
}

func (tp *torchPickle) install(u *unpickler) {
	u.call = tp.call
	u.persistent = tp.persistent
}

func (tp *torchPickle) call(fn *pyObject, args pyTuple) (any, error) {
	switch fn.name {
	case "collections.OrderedDict", "builtins.dict":
		return newDict(), nil // items arrive by SETITEMS; the BUILD of _metadata is ignored
	case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor":
		return rebuildTensor(args)
	case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
		if len(args) > 0 {
			if t, ok := args[0].(*Tensor); ok {
				return t, nil
			}
		}
		return nil, errors.New("expects a tensor as first argument")
	case "torch._tensor._rebuild_from_type_v2":
		// (func, type, args, state): torch 2 wraps tensors with Python state
		// this way. Apply func to args, one level only, so hostile nesting
		// cannot recurse.
		if len(args) >= 3 {
			inner, ok1 := args[0].(*pyObject)
			innerArgs, ok2 := args[2].(pyTuple)
			if ok1 && ok2 && inner.name != fn.name {
				return tp.call(inner, innerArgs)
			}
		}
		return nil, errors.New("expects (func, type, args, state)")
	}
	return &pyObject{name: fn.name + "()"}, nil
}

// rebuildTensor handles _rebuild_tensor_v2(storage, offset, size, stride, ...).
// It only records the view; bytes are read later, and only on request.
func rebuildTensor(args pyTuple) (any, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("needs at least 4 arguments, got %d", len(args))
	}
	st, ok := args[0].(*storage)
	if !ok {
		return nil, fmt.Errorf("first argument is a %s, not a storage", typeName(args[0]))
	}
	off, ok := args[1].(int64)
	if !ok || off < 0 {
		return nil, fmt.Errorf("bad storage offset %v", args[1])
	}
	shape, ok1 := intTuple(args[2])
	stride, ok2 := intTuple(args[3])
	if !ok1 || !ok2 || len(shape) != len(stride) || len(shape) > maxRank {
		return nil, fmt.Errorf("bad size %v or stride %v", args[2], args[3])
	}
	t := &Tensor{DType: st.dtype, Shape: make([]int, len(shape)), stor: st, offset: off, strides: stride}
	for i, d := range shape {
		if d > maxStorageElems {
			return nil, fmt.Errorf("size %v too large", shape)
		}
		t.Shape[i] = int(d)
	}
	return t, nil
}

// intTuple converts a tuple of at most maxRank non-negative ints.
func intTuple(v any) ([]int64, bool) {
	t, ok := v.(pyTuple)
	if !ok || len(t) > maxRank {
		return nil, false
	}
	out := make([]int64, len(t))
	for i, x := range t {
		n, ok := x.(int64)
		if !ok || n < 0 {
			return nil, false
		}
		out[i] = n
	}
	return out, true
}

// persistent resolves ('storage', storage_type, key, location, numel[, view_metadata]).
// The location (cpu, cuda:0) is irrelevant: everything is read to the CPU.
func (tp *torchPickle) persistent(pid any) (any, error) {
	t, ok := pid.(pyTuple)
	if !ok || len(t) < 5 || t[0] != "storage" {
		return nil, fmt.Errorf("persistent id %s is not a storage tuple", typeName(pid))
	}
	cls, ok := t[1].(*pyObject)
	if !ok {
		return nil, fmt.Errorf("storage type is a %s", typeName(t[1]))
	}
	dt, ok := torchStorageTypes[cls.name]
	if !ok {
		return nil, fmt.Errorf("unsupported storage type %s", cls.name)
	}
	key, ok1 := t[2].(string)
	numel, ok2 := t[4].(int64)
	if !ok1 || !ok2 || numel < 0 || numel > maxStorageElems {
		return nil, fmt.Errorf("bad storage key %v or size %v", t[2], t[4])
	}
	st := tp.storages[key]
	if st == nil {
		name := key
		if !tp.legacy {
			name = "data/" + key
		}
		st = &storage{name: name, file: tp.file, dtype: dt, numel: numel}
		tp.storages[key] = st
	} else if st.dtype != dt {
		return nil, fmt.Errorf("storage %s used as both %s and %s", st.name, st.dtype, dt)
	}
	if len(t) < 6 || t[5] == nil {
		return st, nil
	}
	return tp.view(st, t[5])
}

// view handles legacy view_metadata (view_key, offset, size): a storage that
// is a slice of another.
func (tp *torchPickle) view(root *storage, meta any) (any, error) {
	vm, ok := meta.(pyTuple)
	if !ok || len(vm) != 3 {
		return nil, fmt.Errorf("bad view metadata %s", typeName(meta))
	}
	key, ok1 := vm[0].(string)
	off, ok2 := vm[1].(int64)
	size, ok3 := vm[2].(int64)
	if !ok1 || !ok2 || !ok3 || off < 0 || size < 0 || size > maxStorageElems || off > maxStorageElems {
		return nil, fmt.Errorf("bad view metadata %v", vm)
	}
	if v := tp.views[key]; v != nil {
		return v, nil
	}
	v := &storage{name: key, file: tp.file, dtype: root.dtype, numel: size, root: root, rootOffset: off}
	tp.views[key] = v
	return v, nil
}

// resolveViews places legacy view storages inside their (located) roots.
func (tp *torchPickle) resolveViews() error {
	for _, v := range tp.views {
		r := v.root
		if !r.resolved {
			continue // its root holds no data in this file; tensors on it fail validation
		}
		if v.rootOffset+v.numel > r.numel {
			return fmt.Errorf("ckpt: %s: view storage %s [%d:+%d] exceeds storage %s of %d elements",
				tp.file, v.name, v.rootOffset, v.numel, r.name, r.numel)
		}
		v.src, v.base, v.resolved = r.src, r.base+v.rootOffset*int64(r.dtype.Size()), true
	}
	return nil
}

// collect picks the weights and metadata out of the unpickled object: the
// top-level "state_dict" dict, or the top-level dict itself when it holds
// tensors (a plain torch.save(model.state_dict())).
func (tp *torchPickle) collect(obj any) (map[string]*Tensor, map[string]string, error) {
	top, ok := obj.(*pyDict)
	if !ok {
		return nil, nil, fmt.Errorf("ckpt: %s: top-level object is a %s, not a dict", tp.file, typeName(obj))
	}
	sd := top
	if v, ok := top.get("state_dict"); ok {
		if sd, ok = v.(*pyDict); !ok {
			return nil, nil, fmt.Errorf("ckpt: %s: state_dict is a %s, not a dict", tp.file, typeName(v))
		}
	}
	tensors := map[string]*Tensor{}
	for i, k := range sd.keys {
		name, ok1 := k.(string)
		t, ok2 := sd.vals[i].(*Tensor)
		if ok1 && ok2 {
			c := *t // a tensor object can sit under several keys (tied weights)
			c.Name, c.Shape = name, append([]int{}, t.Shape...)
			tensors[name] = &c
		}
	}
	if sd == top && len(tensors) == 0 {
		return nil, nil, fmt.Errorf("ckpt: %s: no state_dict and no tensors at the top level", tp.file)
	}
	meta := map[string]string{}
	for i, k := range top.keys {
		if name, ok := k.(string); ok {
			if s, ok := scalarString(top.vals[i]); ok {
				meta[name] = s
			}
		}
	}
	return tensors, meta, nil
}

// scalarString renders the scalars worth keeping as metadata.
func scalarString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case *big.Int:
		return v.String(), true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// validateAll checks every tensor's view against its storage.
func validateAll(tensors map[string]*Tensor) error {
	for _, k := range sortedKeys(tensors) {
		if err := tensors[k].validate(); err != nil {
			return err
		}
	}
	return nil
}
