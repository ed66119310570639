package view

import (
	"slices"
	"testing"
	"time"
)

// A saved map is restored only for its model, and only when every label
// is one the model has.
func TestCondShareRestoresOnlyAValidMap(t *testing.T) {
	dir := t.TempDir()
	labels := []int{0, 1, 2, 3, 4, 4}
	if err := writeLabels(NewMapStore(dir).Path("/models/a.ckpt"), labels, 3, 2); err != nil {
		t.Fatal(err)
	}
	open := func(model string, n int) []int {
		s := &CondShare{store: NewMapStore(dir)}
		s.Open(model, n)
		got, w, h := s.Map()
		if got != nil && (w != 3 || h != 2) {
			t.Errorf("%s: restored a %dx%d map, want 3x2", model, w, h)
		}
		return got
	}
	if got := open("/models/a.ckpt", 5); !slices.Equal(got, labels) {
		t.Errorf("restored %v, want %v", got, labels)
	}
	if got := open("/models/a.ckpt", 4); got != nil {
		t.Errorf("a model of 4 labels restored %v, which holds label 4", got)
	}
	if got := open("/other/a.ckpt", 5); got != nil {
		t.Errorf("a model of the same name in another folder restored %v", got)
	}
}

// Edits in quick succession are written once, the last of them.
func TestMapStoreWritesTheLastOfQuickEdits(t *testing.T) {
	st := NewMapStore(t.TempDir())
	for i := range 5 {
		st.Save("m", []int{i, i}, 2, 1)
	}
	select {
	case <-st.Saved():
	case <-time.After(10 * time.Second):
		t.Fatal("not saved within 10 s")
	}
	got, w, h, err := st.Load("m")
	if err != nil || w != 2 || h != 1 || !slices.Equal(got, []int{4, 4}) {
		t.Errorf("saved %v %dx%d (%v), want the last edit [4 4]", got, w, h, err)
	}
}
