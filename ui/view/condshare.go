package view

import (
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
)

// CondShare is the condition the Sample and Hi-Res views share, so that a
// map painted or a class chosen in one shows in the other: one class and
// one label map, for the model in use. The map is kept on disk per model
// (MapStore). UI goroutine only.
type CondShare struct {
	model   string // the model the class and map belong to
	class   int
	labels  []int // nil until a segmentation model's first map
	w, h    int
	store   *MapStore
	watches []shareWatch
}

type shareWatch struct {
	owner any
	f     func()
}

// Cond is the condition the views share; it keeps label maps under the
// app's storage (the user's config folder for Tessera).
func (e *Env) Cond() *CondShare {
	if e.cond == nil {
		dir := filepath.Join(fyne.CurrentApp().Storage().RootURI().Path(), "labelmaps")
		e.cond = &CondShare{store: NewMapStore(dir)}
	}
	return e.cond
}

// Watch calls f after an owner other than owner changed the class or map.
func (s *CondShare) Watch(owner any, f func()) {
	s.watches = append(s.watches, shareWatch{owner, f})
}

func (s *CondShare) tell(from any) {
	for _, w := range s.watches {
		if w.owner != from {
			w.f()
		}
	}
}

// Open makes the share the model's: unchanged when it is already, else
// class 0 and the label map saved for the model, if any is and all its
// labels are in 0..n-1 (n 0: the model has no label map).
func (s *CondShare) Open(model string, n int) {
	if model == s.model {
		return
	}
	s.model, s.class, s.labels, s.w, s.h = model, 0, nil, 0, 0
	if n == 0 {
		return
	}
	labels, w, h, err := s.store.Load(model)
	if err != nil || slices.ContainsFunc(labels, func(l int) bool { return l < 0 || l >= n }) {
		return // none saved, or not this model's: the views start afresh
	}
	s.labels, s.w, s.h = labels, w, h
}

// Class is the class chosen.
func (s *CondShare) Class() int { return s.class }

// Store is where the maps are kept.
func (s *CondShare) Store() *MapStore { return s.store }

// SetClass chooses a class and tells the other owners.
func (s *CondShare) SetClass(from any, c int) {
	if c == s.class {
		return
	}
	s.class = c
	s.tell(from)
}

// Map is the label map, nil before there is one; callers copy what they
// keep.
func (s *CondShare) Map() (labels []int, w, h int) { return s.labels, s.w, s.h }

// StartMap sets the model's first label map, which is not saved: the views
// draw it again the same way.
func (s *CondShare) StartMap(labels []int, w, h int) {
	s.labels, s.w, s.h = slices.Clone(labels), w, h
}

// SetMap replaces the label map, saves it for the model (soon, once the
// edits pause) and tells the other owners.
func (s *CondShare) SetMap(from any, labels []int, w, h int) {
	s.labels, s.w, s.h = slices.Clone(labels), w, h
	s.store.Save(s.model, s.labels, w, h)
	s.tell(from)
}
